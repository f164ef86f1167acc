// A table of the kind people keep as JSON (issue 16's walk in the README): weather stations,
// one object each, the label ("climate") in the middle of the columns, an id to ignore, a
// categorical column, a date, missing elevations and a few stations listed twice with another
// label. Deterministic: node examples/make-stations.mjs > stations.json

let s = 20261207;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
const networks = ['synop', 'metar', 'amateur'];
const rows = [];
for (let i = 0; i < 2000; i++) {
  const lat = Math.round((rnd() * 150 - 60) * 100) / 100;
  const lon = Math.round((rnd() * 360 - 180) * 100) / 100;
  const elevation = rnd() < 0.03 ? null : Math.round(rnd() ** 2 * 4000);
  const a = Math.abs(lat);
  const climate = elevation !== null && elevation > 2500 ? 'alpine' : a < 23 ? 'tropical' : a < 35 ? 'arid' : a < 55 ? 'temperate' : 'polar';
  const day = new Date(Date.UTC(1950 + Math.floor(rnd() * 70), Math.floor(rnd() * 12), 1 + Math.floor(rnd() * 28)));
  rows.push({ id: `st${String(i).padStart(5, '0')}`, lat, lon, climate, elevation, network: networks[Math.floor(rnd() * 3)], opened: day.toISOString().slice(0, 10) });
}
// Listed twice, with another label: what a merged export looks like.
for (let i = 0; i < 20; i++) rows.push({ ...rows[i * 50], id: `dup${i}`, climate: rows[i * 50 + 1].climate });
process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
