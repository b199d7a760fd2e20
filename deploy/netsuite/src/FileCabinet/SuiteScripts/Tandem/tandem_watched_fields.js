/**
 * The fields Tandem maps, per record type. A change to one of them is sent
 * in the webhook's `fields` hint; Tandem re-reads the record either way, so
 * a field missing here only thins the hint, it never loses an event.
 *
 * body:      body field ids, compared old against new.
 * sublists:  sublist id -> line field ids; a changed sublist is sent as `true`.
 * prices:    compare the item price matrices (sublists price, price1, price2…
 *            one per currency when Multiple Currencies is on).
 *
 * @NApiVersion 2.1
 * @NModuleScope SameAccount
 */
define([], () => {
    const item = {
        body: ['itemid', 'displayname', 'salesdescription', 'rate', 'isinactive', 'subsidiary', 'externalid'],
        prices: true,
    };

    return Object.freeze({
        customer: {
            body: [
                'companyname', 'firstname', 'lastname', 'isperson', 'entityid', 'email', 'phone', 'url',
                'subsidiary', 'currency', 'terms', 'salesrep', 'parent', 'creditlimit', 'creditholdoverride',
                'balance', 'overduebalance', 'daysoverdue', 'isinactive', 'externalid', 'entitystatus',
            ],
            sublists: {
                addressbook: ['label', 'defaultbilling', 'defaultshipping', 'addressbookaddress_text'],
            },
        },
        contact: {
            body: ['firstname', 'lastname', 'email', 'phone', 'mobilephone', 'title', 'company', 'subsidiary', 'isinactive', 'externalid'],
        },
        invoice: {
            body: [
                'tranid', 'trandate', 'duedate', 'entity', 'createdfrom', 'currency', 'status',
                'total', 'amountpaid', 'amountremaining', 'externalid',
            ],
        },
        customerpayment: {
            body: ['customer', 'trandate', 'currency', 'payment', 'status', 'externalid'],
            sublists: { apply: ['apply', 'doc', 'amount'] },
        },
        creditmemo: {
            body: ['tranid', 'trandate', 'entity', 'createdfrom', 'currency', 'status', 'total', 'amountremaining', 'externalid'],
            sublists: { apply: ['apply', 'doc', 'amount'] },
        },
        customerrefund: {
            body: ['tranid', 'trandate', 'customer', 'currency', 'total', 'status', 'externalid'],
            sublists: { apply: ['apply', 'doc', 'amount'] },
        },
        salesorder: {
            body: ['tranid', 'trandate', 'entity', 'status', 'orderstatus', 'total', 'currency', 'subsidiary', 'externalid'],
            sublists: { item: ['item', 'quantity', 'rate', 'amount'] },
        },
        inventoryitem: item,
        noninventoryitem: item,
        serviceitem: item,
    });
});
