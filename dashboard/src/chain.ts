// The connection to a node: the polkadot.js API (everything decoded from the chain's metadata),
// the market's RPC, and a bounded cache of the recent blocks' events the views need.

import { ApiPromise, WsProvider } from '@polkadot/api';
import type { Header } from '@polkadot/types/interfaces';

/// The auction of one slot as `market_slotReport` returns it (the runtime's `Auction`, JSON).
export interface SlotReport {
  status: string | Record<string, unknown>;
  retail: number;
  feed_in: number;
  gate_closure_at: number;
  settle_from: number;
  bids: number;
  offers: number;
  bid_wh: number;
  offer_wh: number;
  mcp: number | null;
  trades: number;
  volume_wh: number;
  delivered_wh: number;
  shortfall_wh: number;
  paid: number | string;
  penalties: number | string;
  feed_in_wh: number;
  feed_in_paid: number | string;
}

/// One event of interest, kept with the block it came in.
export interface SeenEvent {
  block: number;
  section: string;
  method: string;
  data: Record<string, unknown>;
}

/// The pallets' events the dashboard keeps (readings, settlement, tokens).
const KEPT_EVENTS = new Set([
  'meters.ReadingAccepted',
  'market.Cleared',
  'market.TradeSettled',
  'market.BidPlaced',
  'market.OfferPlaced',
  'market.FedIn',
  'energyTokens.Delivered',
  'energyTokens.Claimed',
  'energyTokens.Retired',
]);

/// How many recent blocks' events are kept (and read back on connecting): one hour of 6 s blocks.
export const EVENT_WINDOW_BLOCKS = 600;
/// How many past blocks are read on connecting (one query each).
const BACKFILL_BLOCKS = 60;

/// The market status of an auction as one word: open, cleared, settling or settled.
export function statusWord(status: SlotReport['status'] | undefined | null): string {
  if (status == null) return 'none';
  if (typeof status === 'string') return status.toLowerCase();
  return Object.keys(status)[0]?.toLowerCase() ?? 'unknown';
}

/// `volumeWh` → `volume_wh`: event fields are kept with the names the runtime gives them.
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/// A connected node.
export class Chain {
  readonly api: ApiPromise;
  readonly provider: WsProvider;
  /// The market slot length, ms.
  readonly slotMs: number;
  /// Decimals and symbol of the currency.
  readonly decimals: number;
  readonly symbol: string;
  /// Whether the chain is a development or local chain (dev accounts are offered).
  readonly isDev: boolean;
  /// The newest block seen and the market slot it is in.
  best = 0;
  currentSlot = 0;
  private events: SeenEvent[] = [];
  private listeners: Array<(header: Header) => void> = [];

  private constructor(api: ApiPromise, provider: WsProvider, slotMs: number, isDev: boolean) {
    this.api = api;
    this.provider = provider;
    this.slotMs = slotMs;
    this.decimals = api.registry.chainDecimals[0] ?? 6;
    this.symbol = api.registry.chainTokens[0] ?? 'UNIT';
    this.isDev = isDev;
  }

  /// Connects to `url` and starts following new blocks.
  static async connect(url: string): Promise<Chain> {
    const provider = new WsProvider(url, 2_000);
    const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
    const slotMs = Number((await api.query.market.slotLength()).toString());
    const chainType = await api.rpc.system.chainType();
    const chain = new Chain(api, provider, slotMs, chainType.isDevelopment || chainType.isLocal);
    await chain.backfill();
    await api.rpc.chain.subscribeNewHeads((header) => void chain.onHead(header));
    return chain;
  }

  /// Calls `listener` on every new best block, after its events are cached.
  onBlock(listener: (header: Header) => void): void {
    this.listeners.push(listener);
  }

  /// A market RPC method (`market_slotReport`, `market_tariffs`, `market_currentSlot`).
  rpc<T>(method: string, params: unknown[] = []): Promise<T> {
    return this.provider.send<T>(method, params);
  }

  /// The auction of `slot`, or null when it has none.
  slotReport(slot: number): Promise<SlotReport | null> {
    return this.rpc<SlotReport | null>('market_slotReport', [slot]);
  }

  /// The kept events, oldest first, that match `section.method`.
  eventsOf(...kinds: string[]): SeenEvent[] {
    const wanted = new Set(kinds);
    return this.events.filter((e) => wanted.has(`${e.section}.${e.method}`));
  }

  /// The start of `slot`, unix ms.
  slotStart(slot: number): number {
    return slot * this.slotMs;
  }

  private async backfill(): Promise<void> {
    const head = await this.api.rpc.chain.getHeader();
    this.best = head.number.toNumber();
    this.currentSlot = Number((await this.api.call.marketApi.currentSlot()).toString());
    const from = Math.max(1, this.best - BACKFILL_BLOCKS + 1);
    const hashes = await Promise.all(
      Array.from({ length: this.best - from + 1 }, (_, i) => this.api.rpc.chain.getBlockHash(from + i)),
    );
    const all = await Promise.all(hashes.map((hash) => this.api.query.system.events.at(hash)));
    all.forEach((records, i) => this.keep(from + i, records));
  }

  private async onHead(header: Header): Promise<void> {
    const number = header.number.toNumber();
    if (number <= this.best && this.events.length > 0) {
      // A re-org or a repeated head: drop what was kept from the replaced blocks.
      this.events = this.events.filter((e) => e.block < number);
    }
    this.best = number;
    const [records, slot] = await Promise.all([
      this.api.query.system.events.at(header.hash),
      this.api.call.marketApi.currentSlot(),
    ]);
    this.currentSlot = Number(slot.toString());
    this.keep(number, records);
    const oldest = number - EVENT_WINDOW_BLOCKS;
    if (this.events.length > 0 && this.events[0].block < oldest) {
      this.events = this.events.filter((e) => e.block >= oldest);
    }
    for (const listener of this.listeners) listener(header);
  }

  private keep(block: number, records: unknown): void {
    for (const { event } of records as Array<{ event: { section: string; method: string; toJSON(): unknown; data: { toJSON(): unknown; names?: string[] | null } } }>) {
      if (!KEPT_EVENTS.has(`${event.section}.${event.method}`)) continue;
      const values = event.data.toJSON() as unknown[];
      const names = event.data.names ?? [];
      const data: Record<string, unknown> = {};
      names.forEach((name, i) => (data[snakeCase(name)] = values[i]));
      this.events.push({ block, section: event.section, method: event.method, data });
    }
  }
}
