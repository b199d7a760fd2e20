/**
 * Re-sends the webhooks whose first post failed (outbox custom record
 * customrecord_tandem_outbox), each with a fresh signature. Deployed on a
 * 15-minute schedule; an entry is tried until it succeeds or reaches
 * tandem.MAX_ATTEMPTS. Tandem dedupes on eventId, so a late duplicate is
 * harmless.
 *
 * @NApiVersion 2.1
 * @NScriptType MapReduceScript
 * @NModuleScope SameAccount
 */
define(['N/log', 'N/search', './tandem_webhook_lib'], (log, search, tandem) => ({
    getInputData: () => search.create({
        type: tandem.OUTBOX.type,
        filters: [[tandem.OUTBOX.attempts, search.Operator.LESSTHAN, tandem.MAX_ATTEMPTS]],
        columns: ['internalid'],
    }),

    map: (context) => {
        tandem.redeliver(context.key);
    },

    summarize: (summary) => {
        summary.mapSummary.errors.iterator().each((key, error) => {
            log.error({ title: `Tandem webhook retry: outbox entry ${key}`, details: error });
            return true;
        });
    },
}));
