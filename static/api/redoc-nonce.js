"use strict";
// ReDoc draws with elements it makes itself. Two of them are taken care of before they reach
// the page:
// - each <style> (styled-components, bundled so that it cannot be told the nonce) gets the
//   page's nonce when it is made, so the Content-Security-Policy needs no 'unsafe-inline';
// - an image from another site (its maker's logo, from a CDN) is not given its address:
//   the page loads nothing from anywhere but the app.
(function () {
  const nonce = document.querySelector('meta[property="csp-nonce"]').content;
  const foreign = (value) => {
    if (String(value).startsWith("data:")) {
      return false;
    }
    try {
      return new URL(value, document.baseURI).origin !== window.location.origin;
    } catch {
      return true;
    }
  };

  const create = Document.prototype.createElement;
  Document.prototype.createElement = function (name, options) {
    const element = create.call(this, name, options);
    if (String(name).toLowerCase() === "style") {
      element.setAttribute("nonce", nonce);
    }
    return element;
  };

  const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    get() {
      return src.get.call(this);
    },
    set(value) {
      if (foreign(value)) {
        this.hidden = true;
        return;
      }
      src.set.call(this, value);
    },
  });
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (this instanceof HTMLImageElement && String(name).toLowerCase() === "src"
        && foreign(value)) {
      this.hidden = true;
      return undefined;
    }
    return setAttribute.call(this, name, value);
  };
})();
