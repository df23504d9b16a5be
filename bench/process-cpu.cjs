// Preloaded with `node --require` by the cold-start benchmark (CommonJS, so
// measuring `node -e 0` does not start the ESM loader it would not start
// otherwise): at exit, the process's own CPU time (user + system, every
// thread, since it started) goes to fd 3, apart from what the program prints.
const { writeSync } = require("node:fs");

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  try {
    writeSync(3, `${(user + system) / 1000}\n`);
  } catch {
    // Run without the benchmark's pipe: nothing to report to.
  }
});
