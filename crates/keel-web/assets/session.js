document.querySelectorAll('.timer').forEach(function (t) {
  var b = t.querySelector('button'), c = t.querySelector('.count'), s = +t.dataset.seconds, id = null;
  t.hidden = false;
  b.addEventListener('click', function () {
    if (id) { clearInterval(id); id = null; c.textContent = ''; b.textContent = "Time the hold (" + s + " s)"; return; }
    var left = s; c.textContent = left + ' s'; b.textContent = 'Stop';
    id = setInterval(function () { left -= 1; c.textContent = left > 0 ? left + ' s' : 'Done: rest'; if (left <= 0) { clearInterval(id); id = null; b.textContent = 'Start again'; } }, 1000);
  });
});
document.querySelectorAll('.counter').forEach(function (k) {
  var b = k.querySelector('button'), c = k.querySelector('.count'), n = 0, sets = +k.dataset.sets;
  k.hidden = false;
  b.addEventListener('click', function () { n = Math.min(n + 1, sets); c.textContent = n + ' of ' + sets + ' sets' + (n === sets ? ': all done' : ''); });
});
