import { expect } from "chai";
import { artifacts } from "hardhat";
import { ethers } from "ethers";
import { compareAbi, functionSignatures, loadInterfaces, mainnetSurface } from "../../helpers/fidelity";

/**
 * Fidelity of the local EigenLayer to mainnet v1.12.0: every function, event and error of a stand-in (and of the
 * vault-side interfaces) whose name exists on mainnet has exactly the mainnet signature, selector or topic, and the
 * functions lrt-vault, its scripts and tests call are present.
 */
describe("EigenLayer stand-in fidelity (interfaces.json)", function () {
  const json = loadInterfaces();

  /** Stand-in or interface artifact → the interfaces.json sections it mirrors. */
  const MIRRORS: Record<string, string[]> = {
    StrategyManager: ["IStrategyManager", "IPausable"],
    StrategyBase: ["IStrategy", "IPausable"],
    StrategyBaseTVLLimits: ["IStrategy", "StrategyBaseTVLLimits_extras", "IPausable"],
    DelegationManager: ["IDelegationManager", "IPausable"],
    AllocationManager: ["IAllocationManager", "IPausable"],
    RewardsCoordinator: ["IRewardsCoordinator", "IPausable"],
    PauserRegistry: ["IPauserRegistry"],
    EigenPodManager: ["IEigenPodManager", "IPausable"],
    EigenPod: ["IEigenPod"],
    // The vault-side interfaces (contracts/interfaces/external/eigenlayer): what lrt-vault itself calls.
    "contracts/interfaces/external/eigenlayer/IStrategy.sol:IStrategy": ["IStrategy"],
    "contracts/interfaces/external/eigenlayer/IStrategyManager.sol:IStrategyManager": ["IStrategyManager"],
    "contracts/interfaces/external/eigenlayer/IDelegationManager.sol:IDelegationManager": ["IDelegationManager"],
    "contracts/interfaces/external/eigenlayer/IAllocationManager.sol:IAllocationManager": ["IAllocationManager"],
    "contracts/interfaces/external/eigenlayer/IRewardsCoordinator.sol:IRewardsCoordinator": ["IRewardsCoordinator"],
    "contracts/interfaces/external/eigenlayer/IEigenPod.sol:IEigenPodManager": ["IEigenPodManager"],
    "contracts/interfaces/external/eigenlayer/IEigenPod.sol:IEigenPod": ["IEigenPod"],
  };

  /** What the vault, its operator scripts and the tests call on each stand-in: these must exist. */
  const REQUIRED: Record<string, string[]> = {
    StrategyManager: [
      "depositIntoStrategy(address,address,uint256)",
      "stakerDepositShares(address,address)",
      "strategyIsWhitelistedForDeposit(address)",
      "getDeposits(address)",
      "addStrategiesToDepositWhitelist(address[])",
      "addShares(address,address,uint256)",
      "removeDepositShares(address,address,uint256)",
      "withdrawSharesAsTokens(address,address,address,uint256)",
      "increaseBurnOrRedistributableShares((address,uint32),uint256,address,uint256)",
      "clearBurnOrRedistributableSharesByStrategy((address,uint32),uint256,address)",
    ],
    StrategyBaseTVLLimits: [
      "deposit(address,uint256)",
      "withdraw(address,address,uint256)",
      "beforeAddShares(address,uint256)",
      "beforeRemoveShares(address,uint256)",
      "sharesToUnderlyingView(uint256)",
      "underlyingToSharesView(uint256)",
      "underlyingToken()",
      "totalShares()",
      "getTVLLimits()",
      "setTVLLimits(uint256,uint256)",
    ],
    DelegationManager: [
      "registerAsOperator(address,uint32,string)",
      "delegateTo(address,(bytes,uint256),bytes32)",
      "undelegate(address)",
      "redelegate(address,(bytes,uint256),bytes32)",
      "queueWithdrawals((address[],uint256[],address)[])",
      "completeQueuedWithdrawal((address,address,address,uint256,uint32,address[],uint256[]),address[],bool)",
      "completeQueuedWithdrawals((address,address,address,uint256,uint32,address[],uint256[])[],address[][],bool[])",
      "getWithdrawableShares(address,address[])",
      "getQueuedWithdrawals(address)",
      "getQueuedWithdrawal(bytes32)",
      "convertToDepositShares(address,address[],uint256[])",
      "calculateWithdrawalRoot((address,address,address,uint256,uint32,address[],uint256[]))",
      "delegatedTo(address)",
      "depositScalingFactor(address,address)",
      "minWithdrawalDelayBlocks()",
      "increaseDelegatedShares(address,address,uint256,uint256)",
      "decreaseDelegatedShares(address,uint256,uint64)",
      "eigenPodManager()",
      "beaconChainETHStrategy()",
      "slashOperatorShares(address,(address,uint32),uint256,address,uint64,uint64)",
    ],
    AllocationManager: [
      "updateAVSMetadataURI(address,string)",
      "createOperatorSets(address,(uint32,address[],address)[])",
      "registerForOperatorSets(address,(address,uint32[],bytes))",
      "deregisterFromOperatorSets((address,address,uint32[]))",
      "modifyAllocations(address,((address,uint32),address[],uint64[])[])",
      "setAllocationDelay(address,uint32)",
      "slashOperator(address,(address,uint32,address[],uint256[],string))",
      "getMaxMagnitude(address,address)",
      "getMaxMagnitudes(address,address[])",
      "getMaxMagnitudesAtBlock(address,address[],uint32)",
      "getAllocation(address,(address,uint32),address)",
      "isOperatorSlashable(address,(address,uint32))",
    ],
    RewardsCoordinator: [
      "submitRoot(bytes32,uint32)",
      "processClaim((uint32,uint32,bytes,(address,bytes32),uint32[],bytes[],(address,uint256)[]),address)",
      "processClaims((uint32,uint32,bytes,(address,bytes32),uint32[],bytes[],(address,uint256)[])[],address)",
      "checkClaim((uint32,uint32,bytes,(address,bytes32),uint32[],bytes[],(address,uint256)[]))",
      "setClaimerFor(address)",
      "claimerFor(address)",
      "cumulativeClaimed(address,address)",
      "calculateEarnerLeafHash((address,bytes32))",
      "calculateTokenLeafHash((address,uint256))",
    ],
  };

  it("interfaces.json is self-consistent: every selector and topic is the hash of its signature", function () {
    for (const [name, section] of Object.entries(json)) {
      for (const f of [...(section.functions ?? []), ...(section.errors ?? [])]) {
        if (f.selector) expect(ethers.id(f.signature).slice(0, 10), `${name} ${f.signature}`).to.equal(f.selector);
      }
      for (const e of section.events ?? []) {
        if (e.topic0) expect(ethers.id(e.signature), `${name} ${e.signature}`).to.equal(e.topic0);
      }
    }
  });

  for (const [artifact, sections] of Object.entries(MIRRORS)) {
    it(`${artifact.split(":").pop()}${artifact.includes("interfaces/") ? " (vault interface)" : ""} matches ${sections.join(" + ")}`, async function () {
      const { abi } = await artifacts.readArtifact(artifact);
      const problems = compareAbi(abi, mainnetSurface(json, sections));
      expect(problems, problems.join("\n")).to.deep.equal([]);
    });
  }

  for (const [artifact, required] of Object.entries(REQUIRED)) {
    it(`${artifact} has every function lrt-vault and its tests call`, async function () {
      const present = functionSignatures((await artifacts.readArtifact(artifact)).abi);
      const missing = required.filter((sig) => !present.has(sig));
      expect(missing, `missing: ${missing.join(", ")}`).to.deep.equal([]);
    });
  }

  it("every required signature is itself a mainnet signature", function () {
    const sections: Record<string, string[]> = {
      StrategyManager: ["IStrategyManager"],
      StrategyBaseTVLLimits: ["IStrategy", "StrategyBaseTVLLimits_extras"],
      DelegationManager: ["IDelegationManager"],
      AllocationManager: ["IAllocationManager"],
      RewardsCoordinator: ["IRewardsCoordinator"],
    };
    for (const [artifact, required] of Object.entries(REQUIRED)) {
      const surface = mainnetSurface(json, sections[artifact]);
      const known = new Set([...surface.functions.values()].flat().map((e) => e.signature));
      for (const sig of required) expect(known.has(sig), `${artifact}: ${sig}`).to.equal(true);
    }
  });

  /** Stand-ins that must carry mainnet's WHOLE surface: every function, event and error of these sections. */
  const COMPLETE: Record<string, string[]> = {
    EigenPodManager: ["IEigenPodManager"],
    EigenPod: ["IEigenPod"],
  };

  for (const [artifact, sections] of Object.entries(COMPLETE)) {
    it(`${artifact} has every function, event and error of ${sections.join(" + ")}`, async function () {
      const iface = new ethers.Interface((await artifacts.readArtifact(artifact)).abi);
      const ours = {
        functions: new Set<string>(),
        events: new Set<string>(),
        errors: new Set<string>(),
      };
      iface.forEachFunction((fn) => ours.functions.add(fn.format("sighash")));
      iface.forEachEvent((ev) => ours.events.add(ev.format("sighash")));
      iface.forEachError((er) => ours.errors.add(er.format("sighash")));
      const missing: string[] = [];
      for (const section of sections) {
        for (const f of json[section].functions ?? []) if (!ours.functions.has(f.signature)) missing.push(f.signature);
        for (const e of json[section].events ?? [])
          if (!ours.events.has(e.signature)) missing.push(`event ${e.signature}`);
        for (const e of json[section].errors ?? [])
          if (!ours.errors.has(e.signature)) missing.push(`error ${e.signature}`);
      }
      expect(missing, `missing: ${missing.join(", ")}`).to.deep.equal([]);
    });
  }

  describe("the checker itself", function () {
    const surface = mainnetSurface(json, ["IStrategyManager", "IDelegationManager"]);

    it("flags a function whose parameter types differ from mainnet", function () {
      const abi = ["function depositIntoStrategy(address strategy, address token, uint128 amount) returns (uint256)"];
      expect(compareAbi(abi, surface)).to.deep.equal([
        "function depositIntoStrategy(address,address,uint128) is not a mainnet signature of depositIntoStrategy",
      ]);
    });

    it("flags an event with different types and one indexing other parameters", function () {
      const abi = [
        "event Deposit(address staker, address strategy, uint128 shares)",
        "event StakerDelegated(address indexed staker, address operator)",
      ];
      expect(compareAbi(abi, surface)).to.deep.equal([
        "event Deposit(address,address,uint128) is not a mainnet signature of Deposit",
        "event StakerDelegated indexes [staker], mainnet [staker,operator]",
      ]);
    });

    it("flags an error with arguments mainnet does not have", function () {
      expect(compareAbi(["error StrategyNotWhitelisted(address strategy)"], surface)).to.deep.equal([
        "error StrategyNotWhitelisted(address) is not a mainnet signature of StrategyNotWhitelisted",
      ]);
    });

    it("accepts the mainnet signatures and ignores names mainnet does not have", function () {
      const abi = [
        "function depositIntoStrategy(address strategy, address token, uint256 amount) returns (uint256)",
        "event StakerDelegated(address indexed staker, address indexed operator)",
        "error StrategyNotWhitelisted()",
        "function initializeStandIn(address)",
      ];
      expect(compareAbi(abi, surface)).to.deep.equal([]);
    });
  });
});
