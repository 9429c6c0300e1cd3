// solidity-coverage: measure the deployable contracts only (the local EigenLayer and token stand-ins, harnesses
// and mocks under contracts/test/ are test tooling; interfaces have no code).
module.exports = {
  skipFiles: ["test/", "interfaces/", "Dependencies.sol"],
  // Fork tests reset the chain: `npm run coverage` runs every test but those in test/fork/.
  mocha: { timeout: 600000 },
  // coverage/coverage-summary.json feeds the CI gate (scripts/ci/coverage.mjs).
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
};
