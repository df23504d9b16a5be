import { describe, expect, it } from "vitest";
import { runProgram } from "../src/local/exec.js";

describe("running a program without a shell", () => {
  it("gives its output as text, arguments passed as they are", async () => {
    const { stdout, stderr } = await runProgram(process.execPath, ["-e", "process.stdout.write(process.argv[1]); process.stderr.write('é')", "$HOME *"], {});
    expect(stdout).toBe("$HOME *");
    expect(stderr).toBe("é");
  });

  it("a failure rejects with the exit code and what the program printed", async () => {
    const failure = runProgram(process.execPath, ["-e", "console.log('partial'); console.error('the reason'); process.exit(3)"], {});
    await expect(failure).rejects.toMatchObject({ code: 3, stdout: "partial\n", stderr: "the reason\n" });
  });

  it("a program that does not exist rejects with ENOENT", async () => {
    await expect(runProgram("release-gates-no-such-program", [], {})).rejects.toMatchObject({ code: "ENOENT" });
  });
});
