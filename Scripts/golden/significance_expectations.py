#!/usr/bin/env python3
"""Independent values for Tests/WindowSearchTests/SignificanceTests.swift.

The conservative expectation of an empirical chance estimate (Sources/WindowSearch/Significance.swift,
SEMANTICS.md §5) is the upper one-sided 97.5 % confidence bound of the calibration sample's Poisson
mean, scaled from the sample's seeds to the sweep's. For an observed count c the bound is the λ with
P(Poisson(λ) ≤ c) = 0.025, which is χ²(0.975; 2(c + 1)) / 2 (Garwood). This script computes it two
ways, with scipy's χ² quantile and with mpmath's regularized incomplete gamma at 30 digits, checks
that they agree, and prints the values the test asserts.

Run:  python3 Scripts/golden/significance_expectations.py
"""

import mpmath
from scipy.stats import chi2

CONFIDENCE = 0.975


def bound_scipy(count):
    return chi2.ppf(CONFIDENCE, 2 * (count + 1)) / 2


def bound_mpmath(count):
    mpmath.mp.dps = 30
    # P(Poisson(λ) ≤ c) = Q(c + 1, λ), the regularized upper incomplete gamma function.
    f = lambda lam: mpmath.gammainc(count + 1, lam, mpmath.inf, regularized=True) - (1 - mpmath.mpf(CONFIDENCE))
    return mpmath.findroot(f, bound_scipy(count))


def main():
    # conservativeExpectation test: 4 survivors in a 2^20-seed sample, a sweep of 2^22 seeds.
    count, sample, seeds = 4, 2**20, 2**22
    a, b = bound_scipy(count), bound_mpmath(count)
    assert abs(a - float(b)) < 1e-12 * a, (a, b)
    print("count %d: upper 97.5%% bound %r (mpmath %s)" % (count, float(a), mpmath.nstr(b, 20)))
    print("scaled to %d of %d seeds: %r" % (seeds, sample, float(a) * seeds / sample))


if __name__ == "__main__":
    main()
