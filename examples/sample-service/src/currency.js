const RATES = { EUR: 1, USD: 1.08, GBP: 0.85, JPY: 162.4 };

export function convert(amount, from, to) {
  if (!(from in RATES) || !(to in RATES)) {
    throw new Error(`unknown currency ${from in RATES ? to : from}`);
  }
  return (amount / RATES[from]) * RATES[to];
}

export function format(amount, currency) {
  const digits = currency === "JPY" ? 0 : 2;
  return `${amount.toFixed(digits)} ${currency}`;
}
