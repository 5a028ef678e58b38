// How amounts, prices, energy and time are shown. Prices are in currency units (10^-decimals)
// per kWh; amounts in currency units; energy in Wh.

/// A number or a JSON big number (hex or decimal string) as a JavaScript number.
export function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return value.startsWith('0x') ? Number(BigInt(value)) : Number(value);
  if (value && typeof (value as { toString(): string }).toString === 'function') return Number((value as { toString(): string }).toString());
  return NaN;
}

/// A price per kWh, e.g. `0.0850 CEUR/kWh`.
export function price(units: unknown, decimals: number, symbol: string): string {
  return `${(num(units) / 10 ** decimals).toFixed(4)} ${symbol}/kWh`;
}

/// An amount of money, e.g. `12.345678 CEUR`.
export function money(units: unknown, decimals: number, symbol: string): string {
  const n = BigInt(typeof units === 'string' || typeof units === 'number' || typeof units === 'bigint' ? units : String(units));
  const base = 10n ** BigInt(decimals);
  const whole = n / base;
  const fraction = (n % base).toString().padStart(decimals, '0');
  return `${whole.toLocaleString('en')}.${fraction} ${symbol}`;
}

/// Energy, e.g. `1,234 Wh` or `12.3 kWh`.
export function energy(wh: unknown): string {
  const n = num(wh);
  return n >= 10_000 ? `${(n / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} kWh` : `${n.toLocaleString('en')} Wh`;
}

/// A unix time in ms as `HH:MM:SS` UTC.
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/// An account address shortened for tables.
export function short(address: string): string {
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-6)}` : address;
}

/// Escapes text for HTML.
export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
