// Package suiteql parses and runs the subset of NetSuite SuiteQL that the
// NetSuite sandbox serves: single-table SELECT with WHERE, GROUP BY and
// ORDER BY, bound ? parameters, Oracle-style NULL logic and implicit
// conversions, COUNT/SUM/MIN/MAX/AVG, and the functions integrations use
// (UPPER, LOWER, TO_CHAR, TO_DATE, TO_TIMESTAMP, NVL, BUILTIN.DF, …).
// Errors carry NetSuite's own wording so the sandbox can answer with it.
package suiteql
