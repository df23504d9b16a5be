import { describe, expect, it } from "vitest";
import { shieldWorkflowCommands } from "../src/kit/log.js";

describe("text from inputs in a GitHub runner's log", () => {
  it("ordinary text is written as it is", () => {
    for (const text of ["PASS lines 91.2 %\n", "a::b is a C++ name\n", "ratio 1:: 2\n", ""]) expect(shieldWorkflowCommands(text, "t")).toBe(text);
  });

  it.each([["::add-mask::secret"], ["summary\n::stop-commands::x\nmore"], ["  \t::set-output name=a::b"], ["prefix ##[error]legacy command"]])(
    "a line the runner would read as a command is framed by stop-commands and a resume token: %j",
    (text) => {
      expect(shieldWorkflowCommands(text, "0f1e")).toBe(`::stop-commands::0f1e\n${text}\n::0f1e::\n`);
    },
  );

  it("each frame has its own random token, so the text cannot end the frame itself", () => {
    const first = /^::stop-commands::(.+)$/m.exec(shieldWorkflowCommands("::x::"))?.[1];
    const second = /^::stop-commands::(.+)$/m.exec(shieldWorkflowCommands("::x::"))?.[1];
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });
});
