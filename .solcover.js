// solidity-coverage: measure the deployable contracts only (the local EigenLayer and token stand-ins, harnesses
// and mocks under contracts/test/ are test tooling; interfaces have no code).
module.exports = {
  skipFiles: ["test/", "interfaces/", "Dependencies.sol"],
  // `npm run coverage` picks the test files (package.json): what `npm test` runs (the quick subset of the heavy
  // matrices) but the fork and task tests, the stand-ins' own tests and the gas-only files (see docs/testing.md).
  mocha: { timeout: 600000 },
  // coverage/coverage-summary.json feeds the CI gate (scripts/ci/coverage.mjs).
  istanbulReporter: ["text-summary", "json-summary", "lcov"],
};
