/** Every failure the page can meet, as a sentence a user can act on. */
import { DepositRefusedError, LRTContractError, type DepositCheck } from "@lrt-vault/sdk";

export function depositCheckSentence(check: DepositCheck, symbol: string): string {
  switch (check) {
    case "Ok":
      return "";
    case "ZeroAmount":
      return "Enter an amount above zero.";
    case "UnsupportedAsset":
      return `The vault does not take ${symbol} deposits.`;
    case "DepositsPaused":
      return `Deposits of ${symbol} are paused for now.`;
    case "PriceTripped":
      return `${symbol}'s price fell too far at the last sync: its deposits wait for the operators to review it.`;
    case "RateStale":
      return "The rate is out of date: deposits reopen at the next sync (anyone may run it).";
    case "BelowMinimum":
      return `That is below the smallest ${symbol} deposit.`;
    case "CapExceeded":
      return `That would take ${symbol} above the vault's cap for it: try a smaller amount.`;
    case "MarketPriceUnavailable":
      return `${symbol}'s market price feed is unavailable: its deposits wait until it updates.`;
    default:
      return "That amount is too small to mint any lrETH.";
  }
}

const CONTRACT_SENTENCES: Record<string, string> = {
  LRTVaultSlippage: "The price moved while you confirmed: you would have received less lrETH than expected. Try again.",
  LRTVaultRateStale: "The rate is out of date: deposits reopen at the next sync (anyone may run it).",
  LRTVaultDepositsPaused: "Deposits of this asset are paused for now.",
  LRTVaultCapExceeded: "That deposit would take the asset above the vault's cap: try a smaller amount.",
  LRTVaultBelowMinimum: "That is below the smallest deposit.",
  WithdrawalQueueNoRoute: "The vault cannot pay that much in this asset: choose another asset or a smaller amount.",
  WithdrawalQueueBelowMinimum: "That is below the smallest withdrawal request.",
  WithdrawalQueueAboveMaximum: "That is above the largest withdrawal request: split it into several.",
  WithdrawalQueueRequestsPaused: "Withdrawal requests are paused for now; requests already made still finalize.",
  WithdrawalQueueNotFinalized: "That request is not finalized yet.",
  WithdrawalQueueNotOwner: "That request belongs to another account.",
  WithdrawalQueueAlreadyClaimed: "That request was already claimed.",
  ERC20InsufficientBalance: "Your balance is too low for that.",
};

/** An error of the wallet, the SDK or a contract as one sentence. */
export function errorSentence(err: unknown, symbols: Map<string, string>): string {
  if (err instanceof DepositRefusedError)
    return depositCheckSentence(err.reason, symbols.get(err.asset.toLowerCase()) ?? "this asset");
  if (err instanceof LRTContractError)
    return CONTRACT_SENTENCES[err.error.name] ?? `The transaction was refused (${err.error.name}).`;
  const e = err as { code?: unknown; message?: unknown; shortMessage?: unknown };
  if (e?.code === "ACTION_REJECTED" || e?.code === 4001) return "You rejected the request in your wallet.";
  if (e?.code === "INSUFFICIENT_FUNDS") return "Your account does not have enough ETH for that and its gas.";
  if (e?.code === "INVALID_ARGUMENT" || e?.code === "NUMERIC_FAULT") return "Enter an amount such as 1 or 0.25.";
  if (e?.code === "NETWORK_ERROR" || e?.code === "SERVER_ERROR")
    return "The network could not be reached: check your connection and try again.";
  const text =
    typeof e?.shortMessage === "string" ? e.shortMessage : typeof e?.message === "string" ? e.message : String(err);
  return text.endsWith(".") ? text : `${text}.`;
}
