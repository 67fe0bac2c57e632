#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend assets in sizes/web/static/govuk/.
# Run by hand when upgrading GOV.UK Frontend (needs node and npm; not needed to run or test SIZes).
# The version must match what govuk-frontend-jinja supports (see requirements.lock).
set -euo pipefail
VERSION=6.3.0
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../sizes/web/static/govuk"
work=$(mktemp -d)
cd "$work"
npm init -y >/dev/null
npm install --silent "govuk-frontend@$VERSION" sass@1
npx sass --no-source-map --style=compressed --load-path=node_modules \
  "$here/sizes-govuk.scss" "$out/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
# The crown, crest and GOV.UK icons are not copied: they belong to GOV.UK services only.
printf "GOV.UK Frontend %s
MIT licence. Copyright (c) Crown copyright (Government Digital Service).
https://github.com/alphagov/govuk-frontend
" "$VERSION" > "$out/LICENSE.txt"
echo "GOV.UK Frontend $VERSION built into $out"
