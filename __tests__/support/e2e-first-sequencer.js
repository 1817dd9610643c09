const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

// The Terraform e2e files take minutes each, mostly waiting: started first, each on its own worker
// (jest.config.js), they run side by side while the other worker goes through everything else. Jest's
// own order (slowest first from its timing cache, else the largest file first) would start the small
// demo test last on a fresh clone, after the minutes the others take.
const E2E = `${path.sep}e2e${path.sep}`;
const E2E_ORDER = ["terraform-apply.test.ts", "terraform-apply-org.test.ts", "demo.test.ts"];

/** Jest's test order, with the e2e files first (the known ones in the order of their length). */
class E2eFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (test) => {
      const index = E2E_ORDER.indexOf(path.basename(test.path));
      return index === -1 ? E2E_ORDER.length : index;
    };
    const e2e = sorted.filter((test) => test.path.includes(E2E)).sort((a, b) => rank(a) - rank(b));
    return [...e2e, ...sorted.filter((test) => !test.path.includes(E2E))];
  }
}

module.exports = E2eFirstSequencer;
