// Questions in the terminal: plain, hidden (secrets are never echoed), and yes/no. Without a
// terminal nothing is asked: the caller gets a MissingValueError naming the flag or variable.
import { createInterface } from "node:readline";

export const interactive = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/** A value the deploy needs, with no terminal to ask for it in. */
export class MissingValueError extends Error {
  name = "MissingValueError";
}

/** Asks one question; `hidden` echoes nothing of what is typed. */
export function ask(question, { hidden = false, fallback = "" } = {}) {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    if (hidden) {
      // readline echoes through _writeToOutput; muting it after the question hides the typing.
      const write = rl._writeToOutput.bind(rl);
      let asked = false;
      rl._writeToOutput = (text) => {
        if (!asked) write(text);
        else if (text.includes("\n")) write("\n");
      };
      rl.question(question, (answer) => finish(answer));
      asked = true;
    } else rl.question(question, (answer) => finish(answer));
    rl.on("SIGINT", () => {
      rl.close();
      reject(new MissingValueError("Stopped: nothing was changed by this question."));
    });
    function finish(answer) {
      rl.close();
      resolve(answer.trim() || fallback);
    }
  });
}

/** Asks until a non-empty answer that `check` accepts (check returns an error sentence or null). */
export async function askValid(question, check, options) {
  for (;;) {
    const answer = await ask(question, options);
    const problem = check(answer);
    if (!problem) return answer;
    process.stdout.write(`  ${problem}\n`);
  }
}

export async function confirm(question) {
  const answer = await ask(`${question} [y/N] `);
  return /^y(es)?$/i.test(answer);
}
