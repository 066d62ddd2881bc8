// Finding a note's quoted text in a PDF.js text layer and drawing its highlight over the page.
//
// Text is compared with all white space removed: PDF.js splits lines into spans with or without spaces between
// them, and a rebuilt pack may break the lines differently, but the characters of a sentence stay in order.
// `prefix` and `suffix` (the text around the quote when it was written) choose among repeats of the quote.

const CONTEXT = 32 // characters of prefix and suffix kept with a note (Annotation.prefix/suffix hold up to 64)

export function squash (text) {
  return (text || '').replace(/\s+/g, '')
}

export function collapse (text) {
  return (text || '').replace(/\s+/g, ' ').trim()
}

// Every visible character of the layer, white space removed, with where it lives.
function characters (layer) {
  const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT)
  const places = []
  let text = ''
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = node.nodeValue
    for (let offset = 0; offset < value.length; offset++) {
      if (/\s/.test(value[offset])) continue
      text += value[offset]
      places.push({ node, offset })
    }
  }
  return { text, places }
}

function tailMatch (a, b) {
  let count = 0
  while (count < a.length && count < b.length && a[a.length - 1 - count] === b[b.length - 1 - count]) count++
  return count
}

function headMatch (a, b) {
  let count = 0
  while (count < a.length && count < b.length && a[count] === b[count]) count++
  return count
}

// A DOM Range over `note.quote` in the text layer, or null when the text is not on this page.
export function quoteRange (layer, note) {
  const quote = squash(note.quote)
  if (!quote) return null
  const { text, places } = characters(layer)
  const prefix = squash(note.prefix)
  const suffix = squash(note.suffix)
  let best = -1
  let bestScore = -1
  for (let at = text.indexOf(quote); at !== -1; at = text.indexOf(quote, at + 1)) {
    const score = tailMatch(text.slice(0, at), prefix) + headMatch(text.slice(at + quote.length), suffix)
    if (score > bestScore) {
      best = at
      bestScore = score
    }
  }
  if (best === -1) return null
  const first = places[best]
  const last = places[best + quote.length - 1]
  const range = document.createRange()
  range.setStart(first.node, first.offset)
  range.setEnd(last.node, last.offset + 1)
  return range
}

// The page's overlay for highlights, made once per page element (PDF.js may replace the page's insides).
function overlay (pageDiv) {
  let layer = pageDiv.querySelector(':scope > .kcsp-note-layer')
  if (!layer) {
    layer = document.createElement('div')
    layer.className = 'kcsp-note-layer'
    layer.setAttribute('aria-hidden', 'true')
    pageDiv.append(layer)
  }
  return layer
}

// Draw the highlight of each note found; answers the ids of notes whose text was not found on the page.
export function highlightsDraw (pageDiv, textLayer, notes) {
  const layer = overlay(pageDiv)
  layer.replaceChildren()
  const missing = []
  const box = layer.getBoundingClientRect() // the page's inside: PDF.js gives the page a border
  if (!box.width || !box.height) return missing
  for (const note of notes) {
    const range = quoteRange(textLayer, note)
    if (!range) {
      missing.push(note.id)
      continue
    }
    for (const rect of range.getClientRects()) {
      if (!rect.width || !rect.height) continue
      const mark = document.createElement('div')
      mark.className = 'kcsp-note-mark'
      mark.dataset.noteId = note.id
      // CSSOM properties, not a style attribute: allowed by the Content-Security-Policy (style-src 'self').
      mark.style.left = `${((rect.left - box.left) / box.width) * 100}%`
      mark.style.top = `${((rect.top - box.top) / box.height) * 100}%`
      mark.style.width = `${(rect.width / box.width) * 100}%`
      mark.style.height = `${(rect.height / box.height) * 100}%`
      layer.append(mark)
    }
  }
  return missing
}

// What the reader selected, if it is text on one page: {page, quote, prefix, suffix} or {error}.
export function selectionRead (selection) {
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null
  const range = selection.getRangeAt(0)
  const startLayer = closestElement(range.startContainer)?.closest('.textLayer')
  const endLayer = closestElement(range.endContainer)?.closest('.textLayer')
  if (!startLayer && !endLayer) return null
  if (startLayer !== endLayer) return { error: 'Select text on one page at a time' }
  const pageDiv = startLayer.closest('.page[data-page-number]')
  const quote = collapse(range.toString())
  if (!pageDiv || !quote) return null
  const before = document.createRange()
  before.selectNodeContents(startLayer)
  before.setEnd(range.startContainer, range.startOffset)
  const after = document.createRange()
  after.selectNodeContents(startLayer)
  after.setStart(range.endContainer, range.endOffset)
  return {
    page: Number(pageDiv.dataset.pageNumber),
    quote,
    prefix: collapse(before.toString()).slice(-CONTEXT),
    suffix: collapse(after.toString()).slice(0, CONTEXT),
  }
}

function closestElement (node) {
  return node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement)
}

// Physical page `page`'s lines of text from PDF.js's text content (not its drawing), for those who cannot select
// with a mouse: [{page, quote, prefix, suffix}], each with the text around it as selectionRead gives it.
export async function pageLines (pdfDocument, page) {
  const content = await (await pdfDocument.getPage(page)).getTextContent()
  const lines = []
  let line = ''
  let lastY = null
  for (const item of content.items) {
    const y = item.transform ? item.transform[5] : lastY
    if (line.trim() && lastY !== null && Math.abs(y - lastY) > Math.max(item.height || 0, 1) / 2) {
      lines.push(collapse(line)) // a new line on the page, though PDF.js did not mark the end of the last
      line = ''
    }
    if (item.str) lastY = y
    line += item.str || ''
    if (item.hasEOL) {
      lines.push(collapse(line))
      line = ''
    } else if (item.str && !/\s$/.test(item.str)) line += ' '
  }
  lines.push(collapse(line))
  const kept = lines.filter(Boolean)
  return kept.map((quote, index) => ({
    page,
    quote,
    prefix: collapse(kept.slice(0, index).join(' ')).slice(-CONTEXT),
    suffix: collapse(kept.slice(index + 1).join(' ')).slice(0, CONTEXT),
  }))
}
