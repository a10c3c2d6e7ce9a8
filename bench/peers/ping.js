// dockerode peer: GET /_ping.  Usage: node ping.js /path/to.sock
const Docker = require('dockerode');
const docker = new Docker({ socketPath: process.argv[2] });
docker.ping().then((r) => console.log(String(r)), (e) => { console.error(e.message); process.exit(1); });
