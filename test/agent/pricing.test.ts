import { describe, expect, it } from 'vitest';
import { resolveModelAlias } from '../../src/config/model-aliases.js';
import { costFor, priceFor } from '../../src/agent/pricing.js';

const usage = (i: number, o: number, cw = 0, cr = 0) => ({
  inputTokens: i,
  outputTokens: o,
  cacheCreationTokens: cw,
  cacheReadTokens: cr,
});

describe('resolveModelAlias', () => {
  it('maps short names to dated ids that exist and passes full ids through', () => {
    expect(resolveModelAlias('haiku-4-5')).toBe('claude-haiku-4-5-20251001');
    expect(resolveModelAlias('sonnet')).toBe('claude-sonnet-4-5-20250929');
    expect(resolveModelAlias('opus-4-5')).toBe('claude-opus-4-5-20251101');
    expect(resolveModelAlias('opus-4-1')).toBe('claude-opus-4-1-20250805');
    expect(resolveModelAlias('claude-sonnet-4-20250514')).toBe('claude-sonnet-4-20250514');
    expect(resolveModelAlias('gpt-5')).toBe('gpt-5');
  });
});

describe('price table', () => {
  it('prices Sonnet 4.5 like the CLI does (1200 in + 80 out = $0.0048)', () => {
    expect(costFor('claude-sonnet-4-5-20250929', usage(1200, 80))).toBeCloseTo(0.0048, 10);
    expect(costFor('sonnet-4-5', usage(0, 0, 1_000_000, 1_000_000))).toBeCloseTo(3.75 + 0.3, 10);
  });

  it('picks the longest matching key: opus-4-5 vs opus-4-1 vs opus-4, gpt-5-mini vs gpt-5', () => {
    expect(priceFor('claude-opus-4-5-20251101')?.input).toBe(5);
    expect(priceFor('claude-opus-4-1-20250805')?.input).toBe(15);
    expect(priceFor('claude-sonnet-4-20250514')?.input).toBe(3);
    expect(priceFor('gpt-5-mini')?.output).toBe(2);
    expect(priceFor('gpt-5-2025-08-07')?.output).toBe(10);
    expect(priceFor('o3-mini')?.input).toBe(1.1);
    expect(priceFor('o3')?.input).toBe(2);
    expect(priceFor('gemini-2.5-flash-lite')?.input).toBe(0.1);
    expect(priceFor('gemini-2.5-pro')?.input).toBe(1.25);
  });

  it('understands aliases and provider decorations', () => {
    expect(priceFor('haiku')?.input).toBe(1);
    expect(priceFor('3-5-haiku')?.input).toBe(0.8);
    expect(priceFor('us.anthropic.claude-sonnet-4-5-20250929-v1:0')?.input).toBe(3);
    expect(priceFor('claude-sonnet-4-5@20250929')?.input).toBe(3);
    expect(priceFor('openai/gpt-4o-mini')?.input).toBe(0.15);
  });

  it('knows nothing of unknown models (cost null, not a guess)', () => {
    expect(priceFor('llama-3-70b')).toBeNull();
    expect(costFor('gpt-50', usage(1000, 1000))).toBeNull();
    expect(priceFor('claude-sonnet-4-5x')).toBeNull();
    // a newer version is not priced as its older family member
    expect(priceFor('claude-opus-4-6')).toBeNull();
    expect(priceFor('claude-3-5-sonnet-latest')?.input).toBe(3);
  });
});
