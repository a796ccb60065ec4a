// node-routeros, a RouterOS API client not written for Detour, adds, lists, filters, sets and
// removes routes on a router:
//
//   node routes.js HOST PORT USER PASSWORD [steps|empty]
//
// After each step it prints one JSON line, {"step": ..., "value": ...}, and waits for a line on
// standard input before the next, so that whoever runs it can look at the router in between. A
// failure is printed as {"step": "error", "value": message} and ends it with exit code 3. It talks
// only to HOST:PORT.
'use strict';

const { RouterOSAPI } = require('node-routeros');
const readline = require('readline');

const [host, port, user, password, mode = 'steps'] = process.argv.slice(2);
const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function failed(error) {
  const value = error && (error.errno || error.message) ? error.errno || error.message : String(error);
  console.log(JSON.stringify({ step: 'error', value }));
  process.exit(3);
}

// The library throws some errors (an unknown reply word) from its socket handlers.
process.on('uncaughtException', failed);

async function step(name, value) {
  console.log(JSON.stringify({ step: name, value }));
  if ((await input.next()).done) {
    process.exit(0);
  }
}

async function main() {
  const api = new RouterOSAPI({ host, port: Number(port), user, password, timeout: 10 });
  await api.connect();
  if (mode === 'empty') {
    await step('print-nothing', await api.write('/ip/route/print', ['?comment=nothing has this']));
    api.close();
    return;
  }

  const first = await api.write('/ip/route/add', [
    '=dst-address=10.44.0.0/16',
    '=gateway=gre-tunnel1',
    '=comment=node',
  ]);
  await step('add', first);
  const second = await api.write('/ip/route/add', [
    '=dst-address=10.45.0.0/16',
    '=gateway=gre-tunnel1',
    '=distance=5',
    '=comment=node',
  ]);
  await step('add-second', second);
  const id = first[0].ret;

  await step('list', await api.write('/ip/route/print'));
  await step(
    'filter',
    await api.write('/ip/route/print', ['=.proplist=.id,dst-address,distance', '?comment=node', '?distance=5']),
  );
  await step(
    'filter-or',
    await api.write('/ip/route/print', [
      '=.proplist=dst-address',
      '?dst-address=10.44.0.0/16',
      '?dst-address=10.45.0.0/16',
      '?#|',
    ]),
  );
  await step(
    'filter-not',
    await api.write('/ip/route/print', ['=.proplist=dst-address', '?comment=node', '?distance=5', '?#!&']),
  );

  await step('set', await api.write('/ip/route/set', ['=.id=' + id, '=gateway=192.0.2.1', '=distance=3']));
  await step('get', await api.write('/ip/route/print', ['?.id=' + id]));

  await step('remove', await api.write('/ip/route/remove', ['=.id=' + id]));
  await step('get-removed', await api.write('/ip/route/print', ['?.id=' + id]));

  let refusal = null;
  try {
    await api.write('/ip/route/remove', ['=.id=' + id]);
  } catch (error) {
    refusal = error.message;
  }
  await step('remove-again', refusal);
  api.close();
}

main().catch(failed);
