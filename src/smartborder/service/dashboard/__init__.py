"""The web dashboard: ``smartborder serve`` answers ``/`` with the border, port pages, the
scenario studio and the operations views, in the same app as the API (same database, tokens
and roles).

How it is built, and why:

* Pages are rendered on the server with Jinja2 (``templates/``): a page is complete HTML that
  works without a framework, and every figure on it is computed by the same Python the CLI uses.
* Charts are plotly figures built in Python (``figures``) and drawn by plotly.js, which the app
  serves from the plotly package: nothing comes from a CDN, so the dashboard works offline, and
  the maps are plain line and marker traces over the geography shipped with the package.
* One small vanilla script (``static/dashboard.js``, no framework, no build step) does what HTML
  cannot: draw the charts, sort tables, poll a running simulation's progress and reload when it
  is done, and, for the operations views, keep the token in sessionStorage and send it as the
  ``Authorization`` header to the JSON the views read (so the API's bearer-token rules apply
  unchanged, and no cookie can be replayed by another site).
* Simulations run as background jobs in their own processes (``jobs``), cached on disk by a hash
  of their inputs; a page shows what it has at once (BTS volumes) and the simulated figures when
  they are ready.
"""

from smartborder.service.dashboard.pages import install

__all__ = ["install"]
