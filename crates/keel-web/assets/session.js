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
// With the script, each "done" is kept on this device and the summary saves the whole session
// in one go; an interrupted session's answers wait on the overview and the summary.
var kept = {
  read: function (key) { try { return JSON.parse(localStorage.getItem(key) || '{}'); } catch (e) { return null; } },
  write: function (key, all) { try { localStorage.setItem(key, JSON.stringify(all)); return true; } catch (e) { return false; } },
  drop: function (key) { try { localStorage.removeItem(key); } catch (e) {} },
  works: function () { try { return !!window.localStorage; } catch (e) { return false; } }
};
document.querySelectorAll('form.step-form').forEach(function (f) {
  var all = kept.read(f.dataset.key);
  if (all === null) return; // no storage here: each "done" is saved as it is made
  var mine = all[f.dataset.step];
  if (mine && mine.exercise === f.dataset.exercise) {
    ['pain_during', 'effort'].forEach(function (n) {
      var r = f.querySelector('input[name=' + n + '][value="' + mine[n] + '"]');
      if (r) r.checked = true;
    });
  }
  f.addEventListener('submit', function (e) {
    var pain = f.querySelector('input[name=pain_during]:checked');
    if (!pain) return; // the server says what is missing
    var effort = f.querySelector('input[name=effort]:checked');
    all[f.dataset.step] = { exercise: f.dataset.exercise, pain_during: pain.value, effort: effort ? effort.value : '' };
    if (!kept.write(f.dataset.key, all)) return;
    e.preventDefault();
    location.href = f.dataset.next;
  });
});
var saved = document.getElementById('saved');
if (saved) kept.drop(saved.dataset.key);
var unsaved = document.getElementById('unsaved');
if (unsaved && !unsaved.dataset.server && !saved) {
  var all = kept.read(unsaved.dataset.key) || {};
  var steps = Object.keys(all);
  if (steps.length) {
    var fields = unsaved.querySelector('.kept-fields');
    steps.forEach(function (n) {
      var a = all[n];
      [['exercise', a.exercise], ['pain_during', a.pain_during], ['effort', a.effort]].forEach(function (p) {
        if (p[1] === '') return;
        var i = document.createElement('input');
        i.type = 'hidden'; i.name = 's' + n + '_' + p[0]; i.value = p[1];
        fields.appendChild(i);
      });
      var li = unsaved.querySelector('li[data-step="' + n + '"] .state');
      if (li) li.textContent = 'done, pain ' + a.pain_during + '/10' + (a.effort !== '' ? ', effort ' + a.effort + '/10' : '');
    });
    unsaved.hidden = false;
    var view = document.getElementById('saved-view');
    if (view) view.hidden = true;
  }
}
if (kept.works()) document.querySelectorAll('.saving').forEach(function (s) {
  s.textContent = 'What you mark done is kept on this device, and saved in one go at the end.';
});
