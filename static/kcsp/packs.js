// Refresh the packs panel while a build is queued or running, without reloading the page.
const panel = () => document.getElementById('packs')

async function refresh () {
  const current = panel()
  if (!current || !current.dataset.building) return
  const response = await fetch(current.dataset.statusUrl, { credentials: 'same-origin' })
  if (response.ok) {
    current.outerHTML = await response.text()
  }
  setTimeout(refresh, 2000)
}

setTimeout(refresh, 2000)
