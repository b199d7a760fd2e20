// Package suiteql parses and runs the subset of NetSuite SuiteQL that the
// NetSuite sandbox serves: SELECT over one table or ANSI INNER/LEFT joins
// (hash joins on ON equalities), with WHERE, GROUP BY and ORDER BY, bound
// ? parameters, Oracle-style NULL logic and implicit conversions,
// COUNT/SUM/MIN/MAX/AVG, CASE, and the functions integrations use
// (UPPER, LOWER, TO_CHAR, TO_DATE, TO_TIMESTAMP, NVL, COALESCE, BUILTIN.DF, …).
// Errors carry NetSuite's own wording so the sandbox can answer with it.
package suiteql
