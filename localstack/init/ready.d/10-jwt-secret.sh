#!/bin/sh
# Creates the localstack stage's JWT secret as an SSM SecureString, as the README has you do once per AWS stage.
# LocalStack runs this when it is ready; its state (and so the secret) lasts as long as the container.
set -eu

name=/serverless-payments/localstack/jwt-secret
if awslocal ssm get-parameter --name "$name" >/dev/null 2>&1; then
  echo "SSM parameter $name already exists."
  exit 0
fi
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
awslocal ssm put-parameter --name "$name" --type SecureString --value "$secret" >/dev/null
echo "Created SSM parameter $name."
