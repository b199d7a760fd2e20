/**
 * Reports record changes to Tandem (afterSubmit only, so the user's save is
 * committed first). One script, one deployment per record type:
 * customer, contact, invoice, customerpayment, inventoryitem,
 * noninventoryitem, salesorder, serviceitem. The fields each type reports are in
 * tandem_watched_fields.js.
 *
 * Script parameters: custscript_tandem_url (Tandem's public URL) and
 * custscript_tandem_integration_role (role(s) Tandem writes with, skipped).
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
define(['./tandem_webhook_lib', './tandem_watched_fields'], (tandem, watchedFields) => ({
    afterSubmit: (context) => tandem.report(context, watchedFields),
}));
