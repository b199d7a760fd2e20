// The SDF objects and the scripts agree: every watched record type is
// deployed, the parameters and outbox fields the scripts read exist, and the
// script files the objects name are in the project.
const fs = require('fs');
const path = require('path');
const tandem = require('SuiteScripts/Tandem/tandem_webhook_lib');
const watched = require('SuiteScripts/Tandem/tandem_watched_fields');

const SRC = path.join(__dirname, '..', 'src');
const object = (name) => fs.readFileSync(path.join(SRC, 'Objects', `${name}.xml`), 'utf8');
const all = (xml, re) => [...xml.matchAll(re)].map((m) => m[1]);

const ue = object('customscript_tandem_webhook_ue');
const mr = object('customscript_tandem_webhook_retry_mr');
const outbox = object('customrecord_tandem_outbox');

test('the user event script is deployed on exactly the watched record types', () => {
    const deployed = all(ue, /<recordtype>([A-Z]+)<\/recordtype>/g).sort();
    expect(deployed).toEqual(Object.keys(watched).map((t) => t.toUpperCase()).sort());
});

test('the script parameters the library reads are defined and set on every deployment', () => {
    const defined = all(ue, /<scriptcustomfield scriptid="([a-z_]+)">/g).sort();
    expect(defined).toEqual(Object.values(tandem.PARAM).sort());
    const deployments = all(ue, /<scriptdeployment scriptid="[a-z_]+">([\s\S]*?)<\/scriptdeployment>/g);
    deployments.forEach((d) => Object.values(tandem.PARAM).forEach((p) => expect(d).toContain(`<${p}>`)));
});

test('the outbox record type has every field the library writes', () => {
    expect(outbox).toContain(`<customrecordtype scriptid="${tandem.OUTBOX.type}">`);
    const { type, ...fields } = tandem.OUTBOX;
    expect(all(outbox, /<customrecordcustomfield scriptid="([a-z_]+)">/g).sort()).toEqual(Object.values(fields).sort());
    expect(outbox).toContain(`Retries stop at ${tandem.MAX_ATTEMPTS}`);
});

test('the script files the objects reference exist', () => {
    [ue, mr].forEach((xml) => {
        const [file] = all(xml, /<scriptfile>\[([^\]]+)\]<\/scriptfile>/g);
        expect(fs.existsSync(path.join(SRC, 'FileCabinet', file))).toBe(true);
    });
});

test('script ids stay within SDF\'s 40 characters', () => {
    [ue, mr, outbox].forEach((xml) => all(xml, /scriptid="([^"]+)"/g).forEach((id) => expect(id.length).toBeLessThanOrEqual(40)));
});
