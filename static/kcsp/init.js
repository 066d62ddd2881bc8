// Start GOV.UK Frontend components; only runs in browsers that support ES modules.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
