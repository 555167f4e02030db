#!/bin/sh
echo "api listening on port ${API_PORT:-8080}"
