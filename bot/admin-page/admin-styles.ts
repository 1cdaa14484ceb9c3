/**
 * The admin site's stylesheet, inline in every page (no outside file, no CDN). Colours keep
 * 4.5:1 against their background; tables scroll in their own box on a phone.
 */
export const adminStyles = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
a{color:#1f4e8c}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #b34700;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header{background:#13315c;color:#fff}
header a{color:#fff}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.5rem 1rem}
.site{margin:0;font-weight:700;margin-right:auto}
.who{margin:0}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem;margin:0;padding:0 1rem .5rem;list-style:none}
nav a{display:inline-block;padding:.35rem .6rem;border-radius:4px;text-decoration:none}
nav a[aria-current="page"]{background:#fff;color:#13315c;font-weight:700}
nav a:hover{text-decoration:underline}
main{max-width:72rem;margin:0 auto;padding:1rem}
main:focus{outline:none}
h1{font-size:1.6rem;margin:.5rem 0 1rem}
h2{font-size:1.25rem;margin:1.75rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
.inline{display:inline}
button,.button{font:inherit;padding:.45rem .9rem;border:2px solid #1f4e8c;border-radius:4px;background:#1f4e8c;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:#1f4e8c}
button.danger{background:#8f1d1d;border-color:#8f1d1d}
button.link{background:none;border:none;color:inherit;text-decoration:underline;padding:0}
label{display:block;font-weight:600;margin:.5rem 0 .2rem}
input,select,textarea{font:inherit;padding:.4rem;border:1px solid #5c5c5c;border-radius:4px;max-width:100%}
textarea{width:40rem}
ul.links{margin:0;padding-left:1rem}
fieldset{border:1px solid #8a8a8a;border-radius:4px;margin:0 0 1rem;padding:.5rem 1rem}
legend{font-weight:700;padding:0 .25rem}
.check{display:flex;gap:.4rem;align-items:center;font-weight:400;margin:.2rem 0}
.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:0 1rem}
.hint{color:#4a4a4a;font-size:.9rem;margin:.1rem 0 .4rem}
.notice{padding:.6rem .8rem;border-left:5px solid #1f6b2c;background:#eef6ef}
.notice.error{border-color:#8f1d1d;background:#fbeeee}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0 1rem;min-width:16rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid #c8c8c8;padding:.35rem .6rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:#f0f2f5}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.75rem;margin:0;padding:0;list-style:none}
.cards li{border:1px solid #c8c8c8;border-radius:6px;padding:.6rem .8rem}
.cards .value{display:block;font-size:1.6rem;font-weight:700}
figure{margin:1rem 0}
figcaption{font-weight:600}
figure svg{max-width:100%;height:auto;display:block}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.qr{display:flex;flex-wrap:wrap;gap:1rem}
.qr figure{border:1px solid #c8c8c8;border-radius:6px;padding:.75rem;margin:0;max-width:20rem}
.qr img{width:12rem;height:12rem;display:block}
code{background:#f0f2f5;padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere}
.signin{max-width:28rem}
.signin input{width:100%}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.35rem}nav ul{padding:0 .5rem .5rem}}
@media print{header,.skip,form{display:none}a{color:#000}}
`;
