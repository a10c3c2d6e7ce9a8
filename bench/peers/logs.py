# docker-py: read a container's whole log, streaming (the way that keeps
# memory flat), to nowhere.   python3 logs.py URI NAME
import sys

import docker

c = docker.APIClient(base_url=sys.argv[1])
n = 0
for chunk in c.logs(sys.argv[2], stdout=True, stderr=True, stream=True, follow=False):
    n += len(chunk)
sys.stderr.write("%d\n" % n)
