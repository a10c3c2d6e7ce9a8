// dockerode peer: GET /version.  Usage: node version.js /path/to.sock
const Docker = require('dockerode');
const docker = new Docker({ socketPath: process.argv[2] });
docker.version().then((v) => console.log(JSON.stringify(v, null, 1)),
  (e) => { console.error(e.message); process.exit(1); });
