// dockerode peer: GET /containers/NAME/json.  Usage: node inspect.js /path/to.sock NAME
const Docker = require('dockerode');
const docker = new Docker({ socketPath: process.argv[2] });
docker.getContainer(process.argv[3]).inspect().then((c) => console.log(JSON.stringify(c, null, 1)),
  (e) => { console.error(e.message); process.exit(1); });
