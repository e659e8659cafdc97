/* smartborder dashboard: draws the server's plotly figures, sorts tables, follows running
   simulations, and runs the operations views with the token kept in sessionStorage.
   No framework and no build step; every piece of text is set with textContent. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var PLOT_CONFIG = {
    responsive: true, displaylogo: false, scrollZoom: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverCompareCartesian"]
  };
  var TOKEN_KEY = "smartborder.token";

  /* --- small helpers ------------------------------------------------------------------- */

  function el(tag, attrs) {
    var node = document.createElement(tag);
    var children = Array.prototype.slice.call(arguments, 2);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    children.forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fmt(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) return "–";
    return Number(value).toLocaleString("en-US", {minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0});
  }

  function pct(value) {
    return value === null || value === undefined ? "–" : (100 * value).toFixed(1) + " %";
  }

  function draw(node, figure) {
    if (!window.Plotly) return Promise.resolve(node);
    return window.Plotly.newPlot(node, figure.data, figure.layout, PLOT_CONFIG).then(function (plot) {
      node.setAttribute("data-drawn", "true");
      return plot;
    });
  }

  /* --- charts, tables and forms on server-rendered pages ------------------------------- */

  function drawFigures(root) {
    root.querySelectorAll("[data-plot]").forEach(function (node) {
      var source = document.getElementById(node.getAttribute("data-plot"));
      if (!source) return;
      draw(node, JSON.parse(source.textContent)).then(function () {
        if (node.hasAttribute("data-links") && node.on) {
          node.on("plotly_click", function (event) {
            var point = event.points && event.points[0];
            if (point && point.customdata && point.customdata[0]) window.location.href = point.customdata[0];
          });
        }
      });
    });
  }

  function sortable(table) {
    var headers = table.querySelectorAll("th[data-sort]");
    headers.forEach(function (th, index) {
      var column = Array.prototype.indexOf.call(th.parentNode.children, th);
      var button = el("button", {type: "button", className: "sort", text: th.textContent.trim()});
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.getAttribute("data-sort") === "number";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-value") || a.cells[column].textContent.trim();
          var y = b.cells[column].getAttribute("data-value") || b.cells[column].textContent.trim();
          if (numeric) {
            x = x === "" ? -Infinity : parseFloat(x);
            y = y === "" ? -Infinity : parseFloat(y);
            return ascending ? x - y : y - x;
          }
          return ascending ? x.localeCompare(y) : y.localeCompare(x);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
      void index;
    });
  }

  function autosubmit(form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }

  function copyButtons(root) {
    // The server writes the result's path only (never the request's Host header, which a client
    // chooses); the page that shows it knows its own origin.
    root.querySelectorAll("[data-origin-relative]").forEach(function (input) {
      if (input.value.charAt(0) === "/") input.value = window.location.origin + input.value;
    });
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("data-copy"));
        input.select();
        if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
        button.textContent = "Copied";
      });
    });
  }

  /* --- a running simulation: poll its progress, reload when it is done ----------------- */

  function follow(box) {
    var key = box.getAttribute("data-job");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".job-message");
    var error = box.querySelector(".job-error");
    function tick() {
      fetch("/dashboard/api/jobs/" + encodeURIComponent(key), {headers: {Accept: "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          if (job.state === "done") { window.location.reload(); return; }
          if (job.state === "failed") {
            error.hidden = false;
            error.textContent = "The simulation failed: " + (job.error || "unknown error");
            bar.hidden = true;
            return;
          }
          if (!job.state) { text.textContent = "this server no longer knows the simulation; reload the page"; return; }
          bar.max = Math.max(job.total, 1);
          bar.value = job.done;
          text.textContent = job.message + (job.total ? " (" + job.done + " of " + job.total + ", " + job.seconds + " s)" : "");
          window.setTimeout(tick, 800);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  /* --- operations: the token, who it speaks for, and each view's data ------------------- */

  function token() { return window.sessionStorage.getItem(TOKEN_KEY); }

  function api(path) {
    return fetch(path, {headers: {Authorization: "Bearer " + token(), Accept: "application/json"}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var problem = body.detail && body.detail[0] ? body.detail[0].problem : response.statusText;
            var failure = new Error(problem);
            failure.status = response.status;
            throw failure;
          }
          return body;
        });
      });
  }

  function signIn(root) {
    var form = root.querySelector("#signin");
    var status = root.querySelector("#signed-in");
    var out = root.querySelector("#signout");
    var asked = 0;  // only the latest answer is shown (a sign-in may overtake the one at load)
    function show() {
      var mine = ++asked;
      status.textContent = "";
      root.querySelectorAll("[data-view-link]").forEach(function (card) { card.classList.remove("refused"); });
      if (!token()) {
        status.appendChild(el("span", {text: "Not signed in. Paste a token made with `smartborder token create --role ROLE`."}));
        out.hidden = true;
        return;
      }
      out.hidden = false;
      api("/dashboard/api/whoami").then(function (me) {
        if (mine !== asked) return;
        status.appendChild(el("span", {text: "Signed in as "}));
        status.appendChild(el("strong", {text: me.label}));
        status.appendChild(el("span", {text: " (role " + me.role + ")."}));
        root.querySelectorAll("[data-view-link]").forEach(function (card) {
          var allowed = me.views[card.getAttribute("data-view-link")];
          card.classList.toggle("refused", !allowed);
          card.querySelector(".access").textContent = allowed ? "Your role may open this view." : "Your role may not open this view.";
        });
      }).catch(function (failure) {
        if (mine !== asked) return;
        window.sessionStorage.removeItem(TOKEN_KEY);
        status.textContent = "That token was refused: " + failure.message;
        out.hidden = true;
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = form.querySelector("#token").value.trim();
      if (value) window.sessionStorage.setItem(TOKEN_KEY, value);
      form.reset();
      show();
    });
    out.addEventListener("click", function () { window.sessionStorage.removeItem(TOKEN_KEY); show(); });
    show();
  }

  function opsView(root) {
    var view = root.getAttribute("data-view");
    var roles = root.getAttribute("data-roles").split(" ");
    var body = root.querySelector(".ops-body");
    var who = document.querySelector(".whoami");
    function message(text, kind) {
      body.textContent = "";
      body.appendChild(el("div", {className: "card " + (kind || ""), role: kind === "refused" ? "alert" : null},
        el("p", {text: text}), el("p", {}, el("a", {href: "/operations", text: "Sign in with another token"}))));
    }
    if (!token()) {
      message("Sign in with an API token on the Operations page to open this view.");
      root.setAttribute("data-state", "signed-out");
      return;
    }
    api("/dashboard/api/whoami").then(function (me) {
      who.textContent = "Signed in as " + me.label + " (role " + me.role + ").";
      if (!me.views[view]) {
        message("Refused: the role " + me.role + " may not open this view; it needs one of " + roles.join(", ") + ".", "refused");
        root.setAttribute("data-state", "refused");
        return;
      }
      body.textContent = "Loading…";
      return RENDER[view](body).then(function () { root.setAttribute("data-state", "ready"); });
    }).catch(function (failure) {
      message("Could not load this view: " + failure.message, "refused");
      root.setAttribute("data-state", "error");
    });
  }

  function table(columns, rows, options) {
    var head = el("tr", {}, ...columns.map(function (c) { return el("th", {className: c.num ? "num" : null, scope: "col", text: c.label}); }));
    var body = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr", {className: options && options.rowClass ? options.rowClass(row) : null});
      columns.forEach(function (c) {
        var value = c.value(row);
        var cell = el("td", {className: c.num ? "num" : null});
        if (value instanceof Node) cell.appendChild(value); else cell.textContent = value;
        tr.appendChild(cell);
      });
      if (options && options.onclick) {
        tr.tabIndex = 0;
        tr.style.cursor = "pointer";
        tr.addEventListener("click", function () { options.onclick(row, tr); });
        tr.addEventListener("keydown", function (event) { if (event.key === "Enter") options.onclick(row, tr); });
      }
      body.appendChild(tr);
    });
    return el("div", {className: "table-wrap"}, el("table", {}, el("thead", {}, head), body));
  }

  function badge(text) { return el("span", {className: "badge " + text, text: text}); }

  function tile(label, value) {
    return el("div", {className: "tile"}, el("div", {className: "value", text: value}), el("div", {className: "label", text: label}));
  }

  var RENDER = {
    custody: function (body) {
      return api("/dashboard/api/ops/custody").then(function (board) {
        body.textContent = "";
        body.appendChild(el("div", {className: "tiles"},
          tile("broken", fmt(board.broken)), tile("suspect", fmt(board.suspect))));
        if (!board.items.length) {
          body.appendChild(el("div", {className: "card note ok"}, el("p", {text: "No shipment's custody is suspect or broken."})));
          return;
        }
        var detail = el("section", {className: "card", id: "evidence", "aria-live": "polite"});
        var list = table([
          {label: "Status", value: function (s) { return badge(s.custody_status); }},
          {label: "Shipment", value: function (s) { return s.id.slice(0, 8); }},
          {label: "Goods", value: function (s) { return s.goods_description; }},
          {label: "Shipper → carrier", value: function (s) { return s.shipper_org + " → " + s.carrier_org; }},
          {label: "Port", value: function (s) { return s.destination_port; }},
          {label: "Phase", value: function (s) { return s.phase; }},
          {label: "Seal", value: function (s) { return s.seal_number + " (" + s.seal_class + ")"; }},
          {label: "Declared", value: function (s) { return s.created_at.slice(0, 16).replace("T", " "); }}
        ], board.items, {onclick: function (s, tr) { evidence(s.id, detail, tr); }});
        body.appendChild(el("section", {className: "card"}, el("h2", {text: "Shipments to look at (" + board.items.length + ")"}),
          el("p", {className: "caption", text: "Newest first. Choose a shipment to see its evidence and track."}), list));
        body.appendChild(detail);
        return evidence(board.items[0].id, detail, list.querySelector("tbody tr"));
      });
    },
    targeting: function (body) {
      return api("/dashboard/api/ops/targeting").then(function (found) {
        var s = found.stats;
        body.textContent = "";
        body.appendChild(el("div", {className: "tiles"},
          tile("arrivals decided", fmt(s.arrivals)), tile("inspection rate (red)", pct(s.inspection_rate)),
          tile("targeted hit rate", pct(s.targeted.hit_rate)), tile("random hit rate", pct(s.random.hit_rate)),
          tile("median minutes to release", s.minutes_to_release_median === null ? "–" : fmt(s.minutes_to_release_median, 1))));
        var hits = el("div", {className: "chart", id: "chart-hits", role: "img", "aria-label": "Hit rates by selection"});
        var channels = el("div", {className: "chart", id: "chart-channels", role: "img", "aria-label": "Arrivals by channel"});
        body.appendChild(el("div", {className: "two"},
          el("section", {className: "card"}, el("h2", {text: "Hit rate: targeted against random"}), hits,
            el("p", {className: "caption", text: "Random selection is an unbiased sample whatever the score: the targeted rate should beat it."})),
          el("section", {className: "card"}, el("h2", {text: "Arrivals by channel"}), channels)));
        var p = found.policy;
        body.appendChild(el("section", {className: "card"}, el("h2", {text: "Thresholds in force"}),
          table([{label: "Setting", value: function (r) { return r[0]; }}, {label: "Value", num: true, value: function (r) { return r[1]; }}],
            [["red threshold (score)", String(p.red_threshold)], ["red tie share", String(p.red_tie)],
             ["yellow threshold (score)", String(p.yellow_threshold)], ["random selection rate", pct(p.random_rate)]]),
          el("p", {className: "caption", text: "Inspections recorded: targeted " + fmt(s.targeted.inspections_recorded) +
            ", random " + fmt(s.random.inspections_recorded) + ", other " + fmt(s.other.inspections_recorded) + "."})));
        return Promise.all([draw(hits, found.figures.hits), draw(channels, found.figures.channels)]);
      });
    },
    permits: function (body) {
      return api("/dashboard/api/ops/permits").then(function (found) {
        body.textContent = "";
        var q = found.queues;
        body.appendChild(el("div", {className: "tiles"},
          tile("pending: to decide", fmt(q.pending.length) + (q.pending.length >= found.limit ? "+" : "")),
          tile("waiting for the cap", fmt(q.waiting.length) + (q.waiting.length >= found.limit ? "+" : ""))));
        var columns = [
          {label: "Filed", value: function (a) { return a.filed; }},
          {label: "Application", value: function (a) { return a.id.slice(0, 8); }},
          {label: "Person", value: function (a) { return a.person_id; }},
          {label: "Kind", value: function (a) { return a.kind.replace("_", " "); }},
          {label: "Status", value: function (a) { return a.status; }}
        ];
        [["pending", "To decide (pending), in filing order"], ["waiting", "Waiting for the annual cap, in filing order"]].forEach(function (pair) {
          var rows = q[pair[0]];
          body.appendChild(el("section", {className: "card"}, el("h2", {text: pair[1]}),
            rows.length ? table(columns, rows) : el("p", {className: "caption", text: "None."})));
        });
      });
    }
  };

  function evidence(id, box, row) {
    document.querySelectorAll("tr.selected").forEach(function (tr) { tr.classList.remove("selected"); });
    if (row) row.classList.add("selected");
    box.textContent = "Loading…";
    return api("/dashboard/api/ops/custody/" + encodeURIComponent(id)).then(function (found) {
      var c = found.custody, s = found.shipment;
      box.textContent = "";
      box.appendChild(el("h2", {}, "Shipment " + id.slice(0, 8) + " ", badge(c.status)));
      box.appendChild(el("p", {className: "caption", text: s.goods_description + ", " + s.consignor + " → " + s.consignee +
        "; seal " + s.seal_number + "; " + c.pings + " pings, last " + (c.last_ping_at || "never") + "."}));
      var map = el("div", {className: "chart", id: "track-map", role: "img", "aria-label": "Map of the shipment's track and findings"});
      var reasons = el("ul", {className: "reasons"}, ...c.reasons.map(function (r) { return el("li", {text: r}); }));
      var findings = table([
        {label: "Finding", value: function (a) { return a.kind.replace(/_/g, " "); }},
        {label: "Severity", value: function (a) { return badge(a.severity); }},
        {label: "At", value: function (a) { return a.at.slice(0, 19).replace("T", " "); }},
        {label: "Evidence", value: function (a) {
          return Object.keys(a.evidence || {}).map(function (k) { return k + " " + JSON.stringify(a.evidence[k]); }).join(", ");
        }}
      ], c.anomalies);
      box.appendChild(el("div", {className: "two"}, el("div", {}, el("h3", {text: "Why"}), reasons,
        el("h3", {text: "Findings and evidence"}), c.anomalies.length ? findings : el("p", {text: "None recorded."})),
        el("div", {}, el("h3", {text: "Track"}), map)));
      return draw(map, found.figure);
    });
  }

  /* --- start ------------------------------------------------------------------------------ */

  document.addEventListener("DOMContentLoaded", function () {
    drawFigures(document);
    document.querySelectorAll("table.sortable").forEach(sortable);
    document.querySelectorAll("form[data-autosubmit]").forEach(autosubmit);
    // Progress is followed once the page has loaded everything, so a reload never cuts a request short.
    window.addEventListener("load", function () { document.querySelectorAll("[data-job]").forEach(follow); });
    copyButtons(document);
    var signin = document.querySelector("[data-signin]");
    if (signin) signIn(signin);
    var view = document.querySelector("[data-view]");
    if (view) opsView(view);
  });
})();
