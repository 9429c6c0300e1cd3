/**
 * The error decoding behind the tasks' one-line refusals (scripts/lib/keeper.ts): revert data is found in every
 * shape ethers, Hardhat and JSON-RPC nodes produce, decoded with the contracts' ABIs, and anything else is reduced
 * to its first line. Shapes are the ones observed: Hardhat's ProviderError from `npx hardhat node` carries
 * `data: { message, txHash, data }`; ethers' CALL_EXCEPTION carries `data` (and the calldata under `transaction`).
 */
import { expect } from "chai";
import { AbiCoder, Interface, id } from "ethers";
import { DelegationManager__factory, WithdrawalQueue__factory } from "../../typechain-types";
import { decodeRevert, describeError, firstLine, revertData } from "../../scripts/lib/keeper";

const ASSET = "0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84";

describe("task error decoding", () => {
  const queue = WithdrawalQueue__factory.createInterface();
  const delegation = DelegationManager__factory.createInterface();
  const interfaces: Interface[] = [queue, delegation];
  const operatorNotRegistered = id("OperatorNotRegistered()").slice(0, 10);
  const noRoute = queue.encodeErrorResult("WithdrawalQueueNoRoute", [ASSET, 5n, 3n]);

  it("finds the revert data in Hardhat's ProviderError (an object under `data`) and decodes it", () => {
    const err = Object.assign(
      new Error(
        "Error: VM Exception while processing transaction: reverted with custom error 'OperatorNotRegistered()'",
      ),
      {
        name: "ProviderError",
        code: -32603,
        data: {
          message:
            "Error: VM Exception while processing transaction: reverted with custom error 'OperatorNotRegistered()'",
          txHash: `0x${"ab".repeat(32)}`,
          data: operatorNotRegistered,
        },
      },
    );
    expect(revertData(err)).to.equal(operatorNotRegistered);
    expect(describeError(err, interfaces)).to.equal("reverted: OperatorNotRegistered()");
  });

  it("finds it in ethers' CALL_EXCEPTION, never mistaking the calldata for it, and formats the arguments", () => {
    const err = Object.assign(new Error("execution reverted (unknown custom error) (action=...)"), {
      code: "CALL_EXCEPTION",
      shortMessage: "execution reverted (unknown custom error)",
      transaction: { to: ASSET, data: queue.encodeFunctionData("finalize", [5n]) },
      data: noRoute,
    });
    expect(revertData(err)).to.equal(noRoute);
    expect(describeError(err, interfaces)).to.equal(`reverted: WithdrawalQueueNoRoute(${ASSET}, 5, 3)`);
    // Only the calldata: nothing to decode, the short message is the line.
    const calldataOnly = { shortMessage: "missing revert data", transaction: { data: noRoute } };
    expect(revertData(calldataOnly)).to.equal(undefined);
    expect(describeError(calldataOnly, interfaces)).to.equal("missing revert data");
  });

  it("finds it nested under error, info.error, cause and parent", () => {
    const shapes = [
      { error: { code: 3, message: "execution reverted", data: noRoute } },
      { info: { error: { code: 3, data: noRoute } } },
      { cause: { data: { data: noRoute } } },
      { parent: { error: { data: noRoute } } },
      { message: `call failed, return data: ${noRoute}` },
    ];
    for (const shape of shapes) expect(revertData(shape), JSON.stringify(shape)).to.equal(noRoute);
  });

  it("decodes Error(string) and Panic(uint256) without an ABI", () => {
    const reason = `0x08c379a0${AbiCoder.defaultAbiCoder().encode(["string"], ["not enough"]).slice(2)}`;
    const panic = `0x4e487b71${AbiCoder.defaultAbiCoder().encode(["uint256"], [0x11]).slice(2)}`;
    expect(decodeRevert(reason, [])).to.equal('Error("not enough")');
    expect(decodeRevert(panic, [])).to.equal("Panic(0x11)");
    expect(describeError({ data: reason })).to.equal('reverted: Error("not enough")');
  });

  it("names an unknown selector, unless the message already says which error it is", () => {
    expect(describeError({ message: "boom", data: "0x12345678" }, interfaces)).to.equal(
      "reverted with unknown error 0x12345678",
    );
    expect(
      describeError({ message: "reverted with custom error 'Foo()'\nmore", data: "0x12345678" }, interfaces),
    ).to.equal("reverted with custom error 'Foo()'");
  });

  it("falls back to the first non-empty line of the message, and survives cycles", () => {
    expect(firstLine(new Error("\nCannot connect to the network localhost.\nPlease make sure..."))).to.equal(
      "Cannot connect to the network localhost.",
    );
    const cyclic: Record<string, unknown> = { message: "loop" };
    cyclic.error = cyclic;
    cyclic.cause = { parent: cyclic };
    expect(revertData(cyclic)).to.equal(undefined);
    expect(describeError(cyclic, interfaces)).to.equal("loop");
    expect(describeError("a plain string")).to.equal("a plain string");
  });
});
