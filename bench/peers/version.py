#!/usr/bin/python3
# docker-py peer: GET /version.  Usage: version.py URI
import json
import sys
import docker

client = docker.DockerClient(base_url=sys.argv[1], version="1.41")
print(json.dumps(client.version(), indent=1))
