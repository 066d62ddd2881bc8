// The pack reader (templates/meetings/pack_reader.html): PDF.js's viewer components on a page of ours. The
// viewer renders the visible pages only; the file comes by range requests; page numbers are the pack's own.
// The notes module (reader-notes.js) starts from the "kcsp:reader-ready" event and imports nothing from here.
import * as pdfjsLib from '../vendor/pdfjs/pdf.min.mjs'
import { EventBus, FindState, LinkTarget, PDFFindController, PDFLinkService, PDFViewer } from '../vendor/pdfjs/pdf_viewer.mjs'

const $ = (id) => document.getElementById(id)
const root = $('kcsp-reader')
const status = $('reader-status')
const pageInput = $('reader-page')
const zoom = $('reader-zoom')
const findText = $('reader-find-text')
const findCount = $('reader-find-count')
const POSITION_DELAY_MS = 1000

pdfjsLib.GlobalWorkerOptions.workerSrc = root.dataset.workerSrc

const eventBus = new EventBus()
const linkService = new PDFLinkService({
  eventBus, externalLinkTarget: LinkTarget.BLANK, externalLinkRel: 'noopener noreferrer nofollow'
})
const findController = new PDFFindController({ eventBus, linkService })
const viewer = new PDFViewer({
  container: $('reader-viewer-container'),
  viewer: $('reader-viewer'),
  eventBus,
  linkService,
  findController,
  annotationMode: pdfjsLib.AnnotationMode.ENABLE // links, never form scripting
})
linkService.setViewer(viewer)

let labels = null // the pack's own page numbers, one per page of the file
let openedAt = null // the page shown when the reader opened: no position is saved until the reader moves on

function label (page) {
  return labels ? labels[page - 1] : String(page)
}

// "23", "Page 23", "p23" or a physical page when the pack has no labels: the physical page, or 0.
function pageFor (typed) {
  const text = typed.trim().replace(/^(page|p\.?)\s*/i, '').toLowerCase()
  if (labels) {
    const index = labels.findIndex((value) => value.toLowerCase() === text)
    return index + 1
  }
  const number = Number.parseInt(text, 10)
  return String(number) === text && number >= 1 && number <= viewer.pagesCount ? number : 0
}

function goTo (page) {
  if (page >= 1 && page <= viewer.pagesCount) {
    linkService.goToPage(page)
  }
}

function showPage (page) {
  pageInput.value = label(page)
  $('reader-previous').disabled = page <= 1
  $('reader-next').disabled = page >= viewer.pagesCount
}

// The screen reader's status: every page change says where the reader is now, however it moved.
function statusShow (page) {
  status.textContent = `Showing page ${label(page)} of ${viewer.pagesCount} page${viewer.pagesCount === 1 ? '' : 's'}.`
}

// The address follows the page (replaced, not added to the history), so a reload or a shared link opens it.
function addressShow (page) {
  if (window.location.hash !== `#page=${page}`) window.history.replaceState(null, '', `#page=${page}`)
}

// "#page=N" of the address: the physical page asked for, or 0.
function askedPage () {
  const asked = /^#page=(\d+)$/.exec(window.location.hash)
  return asked ? Number(asked[1]) : 0
}

// The offer to resume goes once used, or once the reader is on that page anyway.
function resumeHide (page) {
  const banner = $('reader-resume')
  if (banner && (page === undefined || Number($('reader-resume-button').dataset.page) === page)) banner.hidden = true
}

// On a phone the page comes first: the agenda and notes fold away, and the page fits the screen's width.
const narrow = window.matchMedia('(max-width: 40.0525em)') // GOV.UK Frontend's tablet breakpoint, 641px
if (narrow.matches) $('reader-panel').open = false

let positionTimer = null
function savePosition (page) {
  const url = root.dataset.positionUrl
  if (!url || page === openedAt) return
  clearTimeout(positionTimer)
  positionTimer = setTimeout(() => {
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': root.dataset.csrf },
      body: JSON.stringify({ page })
    }).catch(() => {}) // a lost position is not worth an error: the next page turn sends it again
    openedAt = null
  }, POSITION_DELAY_MS)
}

eventBus.on('pagechanging', ({ pageNumber }) => {
  showPage(pageNumber)
  statusShow(pageNumber)
  addressShow(pageNumber)
  resumeHide(pageNumber)
  savePosition(pageNumber)
})

eventBus.on('pagesinit', () => {
  if (narrow.matches) zoom.value = 'page-width'
  viewer.currentScaleValue = zoom.value
  if (labels) viewer.setPageLabels(labels)
  openedAt = askedPage() || 1
  goTo(openedAt)
  showPage(viewer.currentPageNumber)
  resumeHide(viewer.currentPageNumber)
  $('reader-count').textContent = `of ${label(viewer.pagesCount)}`
})

// A hand-edited "#page=N" moves there (a link within the page, such as "Skip to the agenda", does not).
window.addEventListener('hashchange', () => {
  const page = askedPage()
  if (page && viewer.pagesCount) goTo(page)
})

eventBus.on('pagerendered', ({ pageNumber }) => {
  if (!root.dataset.rendered) {
    root.dataset.rendered = String(pageNumber)
    root.dataset.renderedMs = String(Math.round(performance.now())) // since navigation: bench/reader_open.py
    status.textContent = `Showing page ${label(viewer.currentPageNumber)} of ${viewer.pagesCount} page${viewer.pagesCount === 1 ? '' : 's'}.`
  }
})

eventBus.on('scalechanging', ({ scale, presetValue }) => {
  const value = presetValue || String(Math.round(scale * 100) / 100)
  if ([...zoom.options].some((option) => option.value === value)) zoom.value = value
})

// Controls: native buttons and inputs, each labelled in the template.
$('reader-previous').addEventListener('click', () => viewer.previousPage())
$('reader-next').addEventListener('click', () => viewer.nextPage())
$('reader-zoom-in').addEventListener('click', () => viewer.increaseScale())
$('reader-zoom-out').addEventListener('click', () => viewer.decreaseScale())
zoom.addEventListener('change', () => { viewer.currentScaleValue = zoom.value })
$('reader-goto').addEventListener('submit', (event) => {
  event.preventDefault()
  const page = pageFor(pageInput.value)
  if (page) {
    goTo(page)
    statusShow(page)
  } else {
    status.textContent = `There is no page ${pageInput.value.trim()} in this pack: its pages are ${label(1)} to ${label(viewer.pagesCount)}.`
    showPage(viewer.currentPageNumber)
  }
})

let lastQuery = ''
function find (findPrevious) {
  const query = findText.value.trim()
  if (!query) {
    findCount.textContent = 'Enter a word or phrase to find.'
    return
  }
  eventBus.dispatch('find', {
    source: findText,
    type: query === lastQuery ? 'again' : '',
    query,
    caseSensitive: false,
    entireWord: false,
    highlightAll: true,
    findPrevious,
    matchDiacritics: false
  })
  lastQuery = query
}
$('reader-find').addEventListener('submit', (event) => { event.preventDefault(); find(false) })
$('reader-find-previous').addEventListener('click', () => find(true))

function showMatches (state, matchesCount) {
  if (state === FindState.NOT_FOUND) {
    findCount.textContent = 'Not found in this pack.'
  } else if (state === FindState.PENDING) {
    findCount.textContent = 'Searching…'
  } else if (matchesCount && matchesCount.total) {
    const { current, total } = matchesCount
    findCount.textContent = `${current} of ${total} match${total === 1 ? '' : 'es'}`
  }
}
eventBus.on('updatefindcontrolstate', ({ state, matchesCount }) => showMatches(state, matchesCount))
eventBus.on('updatefindmatchescount', ({ matchesCount }) => showMatches(FindState.FOUND, matchesCount))

// The agenda's links and the resume button jump inside the pack; links into another pack are ordinary links.
document.addEventListener('click', (event) => {
  const jump = event.target.closest('.kcsp-reader__jump[data-page], #reader-resume-button')
  if (!jump || !viewer.pagesCount) return
  event.preventDefault()
  goTo(Number(jump.dataset.page))
  addressShow(Number(jump.dataset.page))
  if (jump.id === 'reader-resume-button') resumeHide()
  $('reader-viewer-container').focus({ preventScroll: true })
})

// "Skip to the agenda" unfolds it first on a phone.
document.querySelector('a[href="#reader-agenda"]')?.addEventListener('click', () => { $('reader-panel').open = true })

// PDF.js's links carry no text of their own (the front sheet's e-mail address is drawn on the page, not in
// the link): each gets a name saying where it goes, so keyboard and screen reader users know what it is.
function linkName (link) {
  const href = link.getAttribute('href') || ''
  if (href.startsWith('mailto:')) {
    const address = decodeURIComponent(href.slice('mailto:'.length).split('?')[0])
    return address ? `E-mail ${address}` : 'E-mail link'
  }
  if (/^https?:/i.test(href)) return `Open ${href}`
  return link.title || 'Link to another page of this pack'
}
function linksName ({ source }) {
  for (const link of source.div.querySelectorAll('.annotationLayer a')) {
    if (!link.textContent.trim() && !link.getAttribute('aria-label')) link.setAttribute('aria-label', linkName(link))
  }
}
eventBus.on('annotationlayerrendered', linksName)
eventBus.on('linkannotationsadded', linksName) // the addresses PDF.js finds in the text and makes links of

async function open () {
  const task = pdfjsLib.getDocument({
    url: root.dataset.fileUrl,
    // PDF.js streams the file in its first request and asks for byte ranges of whatever a page needs before the
    // stream has brought it (a page jumped to in a large pack): measured with bench/reader_open.py, page 1 of a
    // 241-page pack painted in 0.9 s streaming, against 1.1-1.4 s waiting on 4-7 range requests in turn with
    // streaming off. The file's data is kept in the worker; only the visible pages are rendered.
    rangeChunkSize: 262144,
    disableAutoFetch: true,
    isEvalSupported: false, // no eval under our Content-Security-Policy
    useWasm: false, // the JavaScript decoders: WebAssembly would need 'wasm-unsafe-eval'
    enableXfa: false,
    withCredentials: true
  })
  let pdfDocument
  try {
    pdfDocument = await task.promise
  } catch (error) {
    status.textContent = 'The pack could not be opened here. Reload the page, or download the whole pack instead.'
    root.dataset.failed = error.name || 'error'
    return
  }
  const own = await pdfDocument.getPageLabels().catch(() => null)
  const given = JSON.parse(root.dataset.labels || '[]')
  labels = [own, given].find((list) => Array.isArray(list) && list.length === pdfDocument.numPages) || null
  viewer.setDocument(pdfDocument)
  linkService.setDocument(pdfDocument, null)
  document.dispatchEvent(new CustomEvent('kcsp:reader-ready', {
    detail: { pdfDocument, viewer, eventBus, linkService, packId: Number(root.dataset.packId), labels }
  }))
}

open()
