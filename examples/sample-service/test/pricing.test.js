import assert from "node:assert/strict";
import { test } from "node:test";
import { Cart } from "../src/cart.js";
import { convert, format } from "../src/currency.js";
import { applyDiscount, grossPrice } from "../src/pricing.js";

test("percent discount", () => assert.equal(applyDiscount(200, { type: "percent", value: 10 }), 180));
test("fixed discount never goes below zero", () => assert.equal(applyDiscount(5, { type: "fixed", value: 10 }), 0));
test("German VAT", () => assert.equal(grossPrice(100, "DE"), 119));
test("cart total with discount", () => {
  const cart = new Cart("FR");
  cart.add("book", 20, 2);
  cart.add("pen", 10);
  assert.equal(cart.total({ type: "percent", value: 50 }), 30);
});
test("EUR to USD", () => assert.equal(Math.round(convert(100, "EUR", "USD")), 108));
test("yen have no decimals", () => assert.equal(format(1234.5, "JPY"), "1235 JPY"));
