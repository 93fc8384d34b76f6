/* The upload page's drop zone: a file dropped on it fills the file field (the field alone works without JS). */
(function () {
  var zone = document.getElementById('dropzone'), input = document.getElementById('file');
  if (!zone || !input) return;
  ['dragenter', 'dragover'].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add('dragging'); });
  });
  ['dragleave', 'drop'].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove('dragging'); });
  });
  zone.addEventListener('drop', function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; zone.querySelector('strong').textContent = input.files[0].name; }
  });
  input.addEventListener('change', function () { if (input.files.length) zone.querySelector('strong').textContent = input.files[0].name; });
})();
