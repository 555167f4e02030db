#!/bin/sh
echo "worker: nightly job done" >> /var/log/shop/worker.log
