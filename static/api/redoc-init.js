"use strict";
(function () {
  const container = document.getElementById("redoc");
  // No search: ReDoc's search runs in a worker made from a blob, which the policy forbids.
  Redoc.init(container.dataset.specUrl, { disableSearch: true }, container);
})();
