// apimeter console: the copy button and the charts. Everything else works without JavaScript.
(function () {
  function copy(event) {
    var button = event.target.closest('[data-copy]');
    if (!button) return;
    var input = document.getElementById(button.getAttribute('data-copy'));
    if (!input) return;
    input.select();
    var done = function () { button.textContent = 'Copied'; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand('copy'); done(); });
    } else {
      document.execCommand('copy');
      done();
    }
  }

  function charts(root) {
    if (typeof Chart === 'undefined') return;
    root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      if (canvas.dataset.drawn) return;
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      var points = JSON.parse(source.textContent);
      canvas.dataset.drawn = 'yes';
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: points.map(function (p) { return p.month; }),
          datasets: [{ label: canvas.dataset.label || 'Cost (USD)', data: points.map(function (p) { return p.cost; }),
                       backgroundColor: '#2454c5' }]
        },
        options: {
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return '$' + v; } } } },
          plugins: { tooltip: { callbacks: { label: function (c) { return '$' + Number(c.raw).toFixed(2); } } } }
        }
      });
    });
  }

  document.addEventListener('click', copy);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { charts(document); });
  } else {
    charts(document);
  }
})();
