// Start GOV.UK Frontend's components (served locally; no CDN).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
