// dockerode peer: GET /containers/json?all=1.  Usage: node ps.js /path/to.sock
const Docker = require('dockerode');
const docker = new Docker({ socketPath: process.argv[2] });
docker.listContainers({ all: true }).then((list) => {
  for (const c of list) console.log(c.Id.slice(0, 12), c.Image, c.Status, (c.Names[0] || '').replace(/^\//, ''));
}, (e) => { console.error(e.message); process.exit(1); });
