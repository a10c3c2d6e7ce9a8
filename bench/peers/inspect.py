#!/usr/bin/python3
# docker-py peer: GET /containers/NAME/json.  Usage: inspect.py URI NAME
import json
import sys
import docker

client = docker.DockerClient(base_url=sys.argv[1], version="1.41")
c = client.containers.get(sys.argv[2])
print(json.dumps(c.attrs, indent=1))
