"use strict";
// ReDoc adds its style elements as it draws: they carry the page's nonce (styled-components
// reads it from here), so the Content-Security-Policy needs no 'unsafe-inline'.
window.__webpack_nonce__ = document.querySelector('meta[property="csp-nonce"]').content;
