// A written paper's section: live preview from the server's own renderer, and paste from Word kept as markup.
// Without this script the form still works: its "Preview" button shows the same preview after a round trip.
import TurndownService from '../vendor/turndown.browser.es.js'
import { tables } from '../vendor/turndown-plugin-gfm.browser.es.js'

const source = document.querySelector('textarea[data-markup-source]')
const preview = document.getElementById('section-preview')
const previewHeading = document.getElementById('section-preview-heading')

// ---- live preview: POST the text to the server (CSRF token from the form), show its sanitised fragment ----
let timer = null
let sent = 0

async function refresh () {
  const form = source.form
  const body = new FormData()
  body.append('body', source.value)
  body.append('position', preview.dataset.position || '')
  const number = ++sent
  const response = await fetch(preview.dataset.previewUrl, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { 'X-CSRFToken': form.querySelector('input[name=csrfmiddlewaretoken]').value }
  })
  if (number !== sent) return // a later keystroke's answer is on its way
  const text = await response.text()
  if (response.ok) {
    preview.innerHTML = text // the server's renderer output, cleaned to its allow-list (kcsp/markup.py)
  } else {
    preview.textContent = text
  }
  preview.hidden = false
  previewHeading.hidden = false
}

function schedule () {
  clearTimeout(timer)
  timer = setTimeout(() => { refresh().catch(() => {}) }, 400)
}

// ---- paste from Word or a web page: HTML turned into the markup subset ----
const LIST_MARKER = /^\s*(\(?[0-9]+[.)]|\(?[a-z]{1,3}[.)])\s*$/i

// Word writes list items as paragraphs with "mso-list" in their style and the marker in an ignored span:
// each run of them becomes a list (nested by their level), ordered when the marker is a number or letter.
function wordListsToLists (doc) {
  let stack = []
  let currentList = null
  for (const p of Array.from(doc.querySelectorAll('p'))) {
    const style = p.getAttribute('style') || ''
    if (!/mso-list/i.test(style)) continue
    const level = Number((style.match(/level(\d+)/i) || [0, 1])[1])
    const marker = p.querySelector('span[style*="mso-list"]')
    const ordered = marker ? LIST_MARKER.test(marker.textContent.replace(/\u00a0/g, ' ')) : false
    if (marker) marker.remove()
    const listId = (style.match(/mso-list:\s*(l\d+)/i) || [])[1]
    if (!stack.length || stack[0].nextElementSibling !== p || listId !== currentList) stack = [] // a new list
    currentList = listId
    while (stack.length > level) stack.pop()
    while (stack.length < level) {
      const list = doc.createElement(ordered ? 'ol' : 'ul')
      if (stack.length) {
        const parent = stack[stack.length - 1]
        ;(parent.lastElementChild || parent).appendChild(list)
      } else {
        p.before(list)
      }
      stack.push(list)
    }
    const item = doc.createElement('li')
    item.append(...Array.from(p.childNodes))
    stack[stack.length - 1].appendChild(item)
    p.remove()
  }
}

// Markup tables need a header row: a pasted table without one takes its first row as the header.
// Cells hold one line each, so paragraphs inside a cell are joined with spaces.
function tidyTables (doc) {
  for (const table of doc.querySelectorAll('table')) {
    // white space between rows and cells (Word writes new lines there) would count as cells to the plugin
    for (const part of [table, ...table.querySelectorAll('thead, tbody, tfoot, tr')]) {
      for (const child of Array.from(part.childNodes)) {
        if (child.nodeType !== 1 && !child.textContent.trim()) child.remove()
      }
    }
    const first = table.rows[0]
    if (first && !first.querySelector('th')) {
      for (const cell of Array.from(first.cells)) {
        const th = doc.createElement('th')
        th.innerHTML = cell.innerHTML
        cell.replaceWith(th)
      }
    }
    for (const cell of table.querySelectorAll('td, th')) {
      for (const block of cell.querySelectorAll('p, div, br')) {
        block.replaceWith(doc.createTextNode(' '), ...Array.from(block.childNodes))
      }
    }
  }
}

function converter () {
  const service = new TurndownService({
    headingStyle: 'atx', bulletListMarker: '-', emDelimiter: '*', strongDelimiter: '**'
  })
  service.use(tables)
  service.remove(['script', 'style', 'meta', 'title', 'head', 'iframe', 'object'])
  // papers hold no images: an added rule comes before turndown's own image rule, which remove() does not beat
  service.addRule('noImages', { filter: 'img', replacement: () => '' })
  const escape = service.escape.bind(service)
  service.escape = text => escape(text).replace(/\|/g, '\\|')
  return service
}

function onPaste (event) {
  const html = event.clipboardData && event.clipboardData.getData('text/html')
  if (!html) return // plain text pastes as typed
  // Inert: nothing runs or loads. Chromium still reports the page's CSP blocking the pasted style attributes and
  // handlers as it parses them (the parsed document inherits the policy): expected, and harmless.
  const doc = new DOMParser().parseFromString(html, 'text/html')
  wordListsToLists(doc)
  tidyTables(doc)
  const markup = converter().turndown(doc.body).replace(/\n{3,}/g, '\n\n').trim()
  if (!markup) return
  event.preventDefault()
  source.setRangeText(markup, source.selectionStart, source.selectionEnd, 'end')
  source.dispatchEvent(new Event('input', { bubbles: true }))
}

if (source && preview) {
  source.addEventListener('input', schedule)
  source.addEventListener('paste', onPaste)
}
