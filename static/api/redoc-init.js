"use strict";
(function () {
  const container = document.getElementById("redoc");
  Redoc.init(container.dataset.specUrl, { hideDownloadButton: false }, container);
})();
