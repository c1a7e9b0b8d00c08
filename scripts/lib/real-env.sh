#!/usr/bin/env bash
# Sourced by test.sh and bench.sh: points every deployable at the real local services.
for domain in platform customer sales analytics integration; do
  upper="$(echo "$domain" | tr '[:lower:]' '[:upper:]')"
  export "DATABASE_URL_${upper}=postgresql://crm_app:crm_app@127.0.0.1:5432/crm_${domain}"
  export "MIGRATION_DATABASE_URL_${upper}=postgresql://postgres@127.0.0.1:5432/crm_${domain}"
done
export KAFKA_BROKERS="127.0.0.1:9092"
export REDIS_URL="redis://127.0.0.1:6379"
export KAFKAJS_NO_PARTITIONER_WARNING=1
