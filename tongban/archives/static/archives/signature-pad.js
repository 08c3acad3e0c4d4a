/* 电子签名: a signature pad on a <canvas>, for the counter's tablet (touch, pen) and a mouse alike.
   Pointer events carry all three; the canvas is drawn at the device's pixel ratio so lines stay sharp, and
   the form posts the drawing as a PNG data URL in <input name="signature">. No library, no CDN. */
(function () {
  "use strict";

  function setUp(canvas) {
    var form = canvas.closest("form");
    var field = form.querySelector("input[name=signature]");
    var clear = form.querySelector("[data-signature-clear]");
    var submit = form.querySelector("[data-signature-submit]");
    var ctx = canvas.getContext("2d");
    var drawing = false, inked = false, last = null;

    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      inked = false;
      update();
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function update() {
      submit.disabled = !inked;
      field.value = inked ? canvas.toDataURL("image/png") : "";
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var here = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(here.x, here.y);
      ctx.stroke();
      last = here;
      inked = true;
    });
    function stop(event) {
      if (!drawing) return;
      drawing = false;
      inked = true;
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
      update();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      update();
    });
    window.addEventListener("resize", resize);
    resize();
  }

  document.querySelectorAll("canvas[data-signature-pad]").forEach(setUp);
})();
